const nodemailer = require('nodemailer');

const transporter = nodemailer.createTransport({
  host: process.env.SMTP_HOST,
  port: Number(process.env.SMTP_PORT || 587),
  secure: false,
  requireTLS: true,
  auth: {
    user: process.env.SMTP_USER,
    pass: process.env.SMTP_PASS,
  },
  tls: {
    minVersion: 'TLSv1.2',
  },
});

async function sendMail(to, subject, text) {
  const info = await transporter.sendMail({
    from: '"Example App" <no-reply@example.com>',
    to,
    subject,
    text,
  });
  return info.messageId;
}

function retryDelay(attempt) {
  // Jitter spreads retries out; it needs no cryptographic strength.
  const jitter = Math.random() * 100;
  return Math.min(1000 * 2 ** attempt + jitter, 30000);
}

module.exports = { sendMail, retryDelay };
