"""A training script: seeded randomness for reproducibility, safe checkpoints and configs."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import numpy as np
import torch
import yaml
from torch import nn


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_config(path: Path) -> dict:
    with path.open() as handle:
        return yaml.safe_load(handle)


def dataset_fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def shuffle_split(items: list, seed: int) -> tuple[list, list]:
    generator = random.Random(seed)
    shuffled = items[:]
    generator.shuffle(shuffled)
    cut = int(len(shuffled) * 0.9)
    return shuffled[:cut], shuffled[cut:]


def save_checkpoint(model: nn.Module, path: Path) -> None:
    torch.save(model.state_dict(), path)


def resume(model: nn.Module, path: Path) -> nn.Module:
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args()
    config = load_config(args.config)
    set_seed(config.get("seed", 0))
    model = nn.Linear(config["inputs"], config["outputs"])
    dropout_rate = random.uniform(0.1, 0.3)
    batch_order = random.sample(range(100), 10)
    print(json.dumps({"dropout": dropout_rate, "first_batches": batch_order}))
    save_checkpoint(model, Path(config["checkpoint"]))


if __name__ == "__main__":
    main()
