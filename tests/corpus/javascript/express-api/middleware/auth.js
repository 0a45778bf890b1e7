const jwt = require('jsonwebtoken');

const PUBLIC_KEY = process.env.JWT_PUBLIC_KEY;

function requireAuth(req, res, next) {
  const token = req.cookies?.access_token || (req.headers.authorization || '').replace(/^Bearer /, '');
  if (!token) {
    return res.status(401).json({ error: 'Authentication required' });
  }
  jwt.verify(token, PUBLIC_KEY, { algorithms: ['RS256'], issuer: 'app.example.com' }, (err, payload) => {
    if (err) {
      return res.status(401).json({ error: 'Invalid token' });
    }
    req.user = { id: payload.sub, role: payload.role };
    next();
  });
}

function requireRole(...roles) {
  return (req, res, next) => {
    if (!req.user || !roles.includes(req.user.role)) {
      return res.status(403).json({ error: 'Forbidden' });
    }
    next();
  };
}

function tokenExpiry(token) {
  // Only for scheduling a refresh; authorisation always goes through jwt.verify above.
  const decoded = jwt.decode(token);
  const { exp } = jwt.verify(token, PUBLIC_KEY, { algorithms: ['RS256'] });
  return decoded && exp ? new Date(exp * 1000) : null;
}

module.exports = { requireAuth, requireRole, tokenExpiry };
