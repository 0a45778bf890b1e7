const escapeHtml = require('escape-html');

function notFound(req, res) {
  if (req.accepts('html')) {
    return res.status(404).send(`<h1>Not found</h1><p>${escapeHtml(req.originalUrl)} does not exist.</p>`);
  }
  res.status(404).json({ error: 'Not found' });
}

// eslint-disable-next-line no-unused-vars
function errorHandler(err, req, res, next) {
  const status = err.status || err.statusCode || 500;
  console.error(`[${req.id}]`, err);
  res.status(status).json({
    error: status >= 500 ? 'Internal server error' : err.message,
    requestId: req.id,
  });
}

module.exports = { notFound, errorHandler };
