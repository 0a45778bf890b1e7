const express = require('express');
const mongoose = require('mongoose');
const escapeStringRegexp = require('escape-string-regexp');

const router = express.Router();

const productSchema = new mongoose.Schema(
  {
    name: { type: String, required: true, trim: true },
    sku: { type: String, required: true, unique: true },
    price: { type: Number, required: true, min: 0 },
    tags: [String],
    ownerId: { type: mongoose.Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

const Product = mongoose.model('Product', productSchema);

router.get('/', async (req, res, next) => {
  try {
    const page = Math.max(parseInt(req.query.page, 10) || 1, 1);
    const limit = Math.min(parseInt(req.query.limit, 10) || 20, 100);
    const filter = {};
    if (typeof req.query.q === 'string' && req.query.q.length > 0) {
      filter.name = { $regex: escapeStringRegexp(req.query.q), $options: 'i' };
    }
    if (typeof req.query.tag === 'string') {
      filter.tags = String(req.query.tag);
    }
    const [items, total] = await Promise.all([
      Product.find(filter)
        .sort({ createdAt: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean(),
      Product.countDocuments(filter),
    ]);
    res.json({ items, total, page, pages: Math.ceil(total / limit) });
  } catch (err) {
    next(err);
  }
});

router.get('/:id', async (req, res, next) => {
  try {
    if (!mongoose.isValidObjectId(req.params.id)) {
      return res.status(400).json({ error: 'Invalid id' });
    }
    const product = await Product.findById(req.params.id).lean();
    if (!product) return res.status(404).json({ error: 'Not found' });
    res.json(product);
  } catch (err) {
    next(err);
  }
});

router.post('/', async (req, res, next) => {
  try {
    const { name, sku, price, tags = [] } = req.body;
    const product = await Product.create({
      name: String(name),
      sku: String(sku),
      price: Number(price),
      tags: Array.isArray(tags) ? tags.map(String) : [],
      ownerId: req.user.id,
    });
    res.status(201).json(product);
  } catch (err) {
    next(err);
  }
});

router.patch('/:id/price', async (req, res, next) => {
  try {
    const price = Number(req.body.price);
    if (!Number.isFinite(price) || price < 0) {
      return res.status(400).json({ error: 'Invalid price' });
    }
    const updated = await Product.findOneAndUpdate(
      { _id: req.params.id, ownerId: req.user.id },
      { $set: { price } },
      { new: true },
    );
    res.json(updated);
  } catch (err) {
    next(err);
  }
});

module.exports = router;
