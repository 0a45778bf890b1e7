const express = require('express');
const bcrypt = require('bcrypt');
const jwt = require('jsonwebtoken');
const crypto = require('crypto');
const db = require('../db');
const { sendMail } = require('../services/mailer');

const router = express.Router();
const JWT_SECRET = process.env.JWT_SECRET;
const TOKEN_TTL = '15m';
const SALT_ROUNDS = 12;

function signAccessToken(user) {
  return jwt.sign({ sub: user.id, role: user.role }, JWT_SECRET, { algorithm: 'HS256', expiresIn: TOKEN_TTL });
}

router.post('/register', async (req, res, next) => {
  try {
    const email = String(req.body.email || '').trim().toLowerCase();
    const password = String(req.body.password || '');
    if (!email || password.length < 12) {
      return res.status(400).json({ error: 'Email and a password of at least 12 characters are required' });
    }
    const passwordHash = await bcrypt.hash(password, SALT_ROUNDS);
    const { rows } = await db.query('INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id, role', [
      email,
      passwordHash,
    ]);
    res.status(201).json({ token: signAccessToken(rows[0]) });
  } catch (err) {
    next(err);
  }
});

router.post('/login', async (req, res, next) => {
  try {
    const email = String(req.body.email || '').toLowerCase();
    const { rows } = await db.query('SELECT id, role, password_hash FROM users WHERE email = $1', [email]);
    const user = rows[0];
    const valid = user && (await bcrypt.compare(String(req.body.password || ''), user.password_hash));
    if (!valid) {
      return res.status(401).json({ error: 'Invalid email or password' });
    }
    const refreshToken = crypto.randomBytes(32).toString('hex');
    const refreshHash = crypto.createHash('sha256').update(refreshToken).digest('hex');
    await db.query('INSERT INTO refresh_tokens (user_id, token_hash) VALUES ($1, $2)', [user.id, refreshHash]);
    res.cookie('refresh_token', refreshToken, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      maxAge: 7 * 24 * 60 * 60 * 1000,
    });
    res.json({ token: signAccessToken(user) });
  } catch (err) {
    next(err);
  }
});

router.post('/forgot-password', async (req, res, next) => {
  try {
    const email = String(req.body.email || '').toLowerCase();
    const resetToken = crypto.randomBytes(32).toString('hex');
    const expiresAt = new Date(Date.now() + 60 * 60 * 1000);
    const tokenHash = crypto.createHash('sha256').update(resetToken).digest('hex');
    const { rowCount } = await db.query(
      'UPDATE users SET reset_token_hash = $1, reset_expires_at = $2 WHERE email = $3',
      [tokenHash, expiresAt, email],
    );
    if (rowCount > 0) {
      await sendMail(email, 'Reset your password', `Use this link: https://app.example.com/reset/${resetToken}`);
    }
    // Same answer either way, so the endpoint does not reveal which emails exist.
    res.json({ message: 'If that account exists, we sent a reset link.' });
  } catch (err) {
    next(err);
  }
});

function verifyToken(req, res, next) {
  const header = req.headers.authorization || '';
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) {
    return res.status(401).json({ error: 'Missing token' });
  }
  try {
    req.user = jwt.verify(token, JWT_SECRET, { algorithms: ['HS256'] });
    next();
  } catch {
    res.status(401).json({ error: 'Invalid or expired token' });
  }
}

router.get('/me', verifyToken, (req, res) => {
  res.json({ id: req.user.sub, role: req.user.role });
});

module.exports = router;
module.exports.verifyToken = verifyToken;
