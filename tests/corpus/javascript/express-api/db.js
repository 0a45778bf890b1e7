// PostgreSQL access with a shared pool and parameterized queries.
const { Pool } = require('pg');

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  idleTimeoutMillis: 30000,
  ssl: process.env.NODE_ENV === 'production' ? { ca: process.env.PG_CA_CERT } : false,
});

pool.on('error', (err) => {
  console.error('Unexpected error on idle client', err);
});

async function query(text, params = []) {
  const start = Date.now();
  const result = await pool.query(text, params);
  const duration = Date.now() - start;
  if (duration > 200) {
    console.warn(`Slow query (${duration}ms): ${text.split('\n')[0]}`);
  }
  return result;
}

async function withTransaction(callback) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await callback(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const SORTABLE_COLUMNS = new Set(['created_at', 'name', 'email']);

function buildUserSearch({ name, email, role, sort = 'created_at', limit = 20, offset = 0 }) {
  const conditions = [];
  const values = [];
  if (name) {
    values.push(`%${name}%`);
    conditions.push(`name ILIKE $${values.length}`);
  }
  if (email) {
    values.push(email);
    conditions.push(`email = $${values.length}`);
  }
  if (role) {
    values.push(role);
    conditions.push(`role = $${values.length}`);
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const orderBy = SORTABLE_COLUMNS.has(sort) ? sort : 'created_at';
  values.push(Math.min(Number(limit) || 20, 100));
  values.push(Number(offset) || 0);
  const text = `SELECT id, name, email, role, created_at FROM users ${where} ORDER BY ${orderBy} DESC LIMIT $${values.length - 1} OFFSET $${values.length}`;
  return { text, values };
}

module.exports = { pool, query, withTransaction, buildUserSearch };
