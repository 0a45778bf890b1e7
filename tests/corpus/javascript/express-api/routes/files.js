const express = require('express');
const multer = require('multer');
const path = require('path');
const fs = require('fs/promises');
const crypto = require('crypto');
const { execFile } = require('child_process');
const { promisify } = require('util');

const execFileAsync = promisify(execFile);
const router = express.Router();
const UPLOAD_DIR = path.join(__dirname, '..', 'uploads');
const ALLOWED_TYPES = new Set(['image/png', 'image/jpeg', 'application/pdf']);

const storage = multer.diskStorage({
  destination: UPLOAD_DIR,
  filename: (req, file, cb) => {
    const ext = path.extname(file.originalname).toLowerCase();
    cb(null, `${crypto.randomUUID()}${ext}`);
  },
});

const upload = multer({
  storage,
  limits: { fileSize: 5 * 1024 * 1024 },
  fileFilter: (req, file, cb) => cb(null, ALLOWED_TYPES.has(file.mimetype)),
});

router.post('/', upload.single('file'), (req, res) => {
  if (!req.file) {
    return res.status(400).json({ error: 'No file or unsupported type' });
  }
  res.status(201).json({ id: req.file.filename, size: req.file.size });
});

router.get('/:name', async (req, res, next) => {
  const name = path.basename(req.params.name);
  try {
    await fs.access(path.join(UPLOAD_DIR, name));
    res.sendFile(name, { root: UPLOAD_DIR });
  } catch (err) {
    if (err.code === 'ENOENT') {
      return res.status(404).json({ error: 'File not found' });
    }
    next(err);
  }
});

router.post('/:name/thumbnail', async (req, res, next) => {
  const name = path.basename(req.params.name);
  const source = path.join(UPLOAD_DIR, name);
  const target = path.join(UPLOAD_DIR, `thumb-${name}`);
  try {
    // execFile passes arguments directly to the program: no shell, no injection.
    await execFileAsync('convert', [source, '-resize', '200x200', target]);
    res.json({ thumbnail: `thumb-${name}` });
  } catch (err) {
    next(err);
  }
});

router.get('/', async (req, res, next) => {
  try {
    const entries = await fs.readdir(UPLOAD_DIR, { withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
    res.json({ files });
  } catch (err) {
    next(err);
  }
});

module.exports = router;
