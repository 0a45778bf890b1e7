const express = require('express');
const { body, param, validationResult } = require('express-validator');
const db = require('../db');
const { requireAuth, requireRole } = require('../middleware/auth');

const router = express.Router();

function handleValidation(req, res, next) {
  const errors = validationResult(req);
  if (!errors.isEmpty()) {
    return res.status(400).json({ errors: errors.array() });
  }
  next();
}

router.get('/', requireAuth, async (req, res, next) => {
  try {
    const { text, values } = db.buildUserSearch(req.query);
    const { rows } = await db.query(text, values);
    res.json({ users: rows, count: rows.length });
  } catch (err) {
    next(err);
  }
});

router.get('/:id', requireAuth, param('id').isInt(), handleValidation, async (req, res, next) => {
  try {
    const { rows } = await db.query('SELECT id, name, email, role FROM users WHERE id = $1', [req.params.id]);
    if (rows.length === 0) {
      return res.status(404).json({ error: 'User not found' });
    }
    res.json(rows[0]);
  } catch (err) {
    next(err);
  }
});

router.post(
  '/',
  requireAuth,
  requireRole('admin'),
  body('email').isEmail().normalizeEmail(),
  body('name').trim().isLength({ min: 1, max: 100 }),
  body('role').isIn(['user', 'admin']),
  handleValidation,
  async (req, res, next) => {
    const { email, name, role } = req.body;
    try {
      const { rows } = await db.query(
        'INSERT INTO users (email, name, role) VALUES ($1, $2, $3) RETURNING id, email, name, role',
        [email, name, role],
      );
      res.status(201).json(rows[0]);
    } catch (err) {
      if (err.code === '23505') {
        return res.status(409).json({ error: 'Email already registered' });
      }
      next(err);
    }
  },
);

router.put('/:id', requireAuth, param('id').isInt(), handleValidation, async (req, res, next) => {
  const allowed = ['name', 'email'];
  const updates = Object.keys(req.body).filter((key) => allowed.includes(key));
  if (updates.length === 0) {
    return res.status(400).json({ error: 'Nothing to update' });
  }
  const assignments = updates.map((key, index) => `${key} = $${index + 1}`).join(', ');
  const values = updates.map((key) => req.body[key]);
  values.push(req.params.id);
  try {
    const result = await db.query(
      `UPDATE users SET ${assignments}, updated_at = NOW() WHERE id = $${values.length} RETURNING id, name, email`,
      values,
    );
    res.json(result.rows[0] || null);
  } catch (err) {
    next(err);
  }
});

router.delete('/:id', requireAuth, requireRole('admin'), async (req, res, next) => {
  try {
    await db.withTransaction(async (client) => {
      await client.query('DELETE FROM sessions WHERE user_id = $1', [req.params.id]);
      await client.query('DELETE FROM users WHERE id = $1', [req.params.id]);
    });
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});

module.exports = router;
