"""Data code: pandas, numpy, caching, with queries parameterised and pickles avoided."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

CACHE_DIR = Path(".cache")
SALES_TABLE = "sales"


def cache_path(key: str) -> Path:
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    return CACHE_DIR / f"{digest}.json"


def load_sales(conn: sqlite3.Connection, region: str, year: int) -> pd.DataFrame:
    query = f"SELECT * FROM {SALES_TABLE} WHERE region = ? AND year = ?"
    return pd.read_sql(query, conn, params=(region, year))


def sample_rows(frame: pd.DataFrame, fraction: float, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    keep = [rng.random() < fraction for _ in range(len(frame))]
    return frame[keep]


def shuffled_batches(items: list, size: int) -> list[list]:
    order = items[:]
    random.shuffle(order)
    return [order[i : i + size] for i in range(0, len(order), size)]


def save_array(path: Path, values: np.ndarray) -> None:
    np.save(path, values, allow_pickle=False)


def load_array(path: Path) -> np.ndarray:
    return np.load(path)


def write_summary(path: Path, summary: dict) -> None:
    path.write_text(json.dumps(summary, indent=2))


def train_test_split(rows: list, test_share: float = 0.2, seed: int = 42):
    generator = random.Random(seed)
    test = set(generator.sample(range(len(rows)), int(len(rows) * test_share)))
    return [r for i, r in enumerate(rows) if i not in test], [r for i, r in enumerate(rows) if i in test]
