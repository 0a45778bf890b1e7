"""Code that uses names rules look for, in harmless ways: none of it is a finding."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass


class TaskRunner:
    def execute(self, task: str) -> str:
        return f"ran {task}"

    def run(self, name: str) -> str:
        return self.execute(f"job {name} now")


class Expression:
    def eval(self, scope: dict) -> int:
        return len(scope)


def evaluate(expression: Expression) -> int:
    return expression.eval({"x": 1})


@dataclass
class Report:
    title: str

    def to_bytes(self) -> bytes:
        # Dumping is not the risk; loading untrusted pickles is.
        return pickle.dumps(self)


def checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def text(value: str) -> str:
    return value.strip()


def build_label(prefix: str, name: str) -> str:
    label = text(f"{prefix} select {name} from list")
    return label
