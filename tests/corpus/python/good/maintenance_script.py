#!/usr/bin/env python3
"""A maintenance script: subprocess with argument lists, a real key, no shell."""

from __future__ import annotations

import argparse
import ast
import os
import shlex
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def backup(database: str, destination: str) -> None:
    subprocess.run(["pg_dump", "--format=custom", "--file", destination, database], check=True)


def disk_usage(path: str) -> str:
    return subprocess.check_output(["du", "-sh", path], text=True)


def run_hook(command_line: str) -> int:
    return subprocess.call(shlex.split(command_line))


def parse_literal(value: str):
    return ast.literal_eval(value)


def new_signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def encryptor(key: bytes, nonce: bytes):
    return Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--out", default="backup.dump")
    args = parser.parse_args(argv)
    backup(args.database, args.out)
    print(disk_usage(os.path.dirname(os.path.abspath(args.out))))
    os.system("sync")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
