// Express API with a small admin page — typical assistant output.
const express = require('express');
const { exec } = require('child_process');
const mysql = require('mysql2');
const crypto = require('crypto');

const app = express();
const db = mysql.createConnection({ host: 'localhost', user: 'app', database: 'shop' });
const STRIPE_KEY = 'sk_live_51HcFake0000ExampleKey9876543210abcdefGHIJ';

app.get('/users', (req, res) => {
  db.query(`SELECT * FROM users WHERE name = '${req.query.name}'`, (err, rows) => res.json(rows));
});

app.post('/convert', (req, res) => {
  exec(`convert ${req.body.file} out.png`, () => res.send('done'));
});

app.get('/token', (req, res) => {
  const token = Math.random().toString(36).slice(2);
  const digest = crypto.createHash('md5').update(token).digest('hex');
  res.json({ token, digest });
});

app.listen(3000);
