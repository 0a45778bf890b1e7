"""A small Flask service written the careful way: parameters, safe loaders, real randomness."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
import subprocess
from functools import wraps
from pathlib import Path

import requests
import yaml
from flask import Flask, abort, g, jsonify, request, session

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]
log = logging.getLogger(__name__)

DATABASE = Path(os.environ.get("APP_DB", "app.db"))
USERS_TABLE = "users"
WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET", "").encode()


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
        g.db.row_factory = sqlite3.Row
    return g.db


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if "user_id" not in session:
            abort(401)
        return view(*args, **kwargs)

    return wrapped


@app.route("/users")
@login_required
def list_users():
    name = request.args.get("name", "")
    limit = min(int(request.args.get("limit", 50)), 100)
    cur = get_db().execute(
        "SELECT id, name, email FROM users WHERE name LIKE ? ORDER BY name LIMIT ?",
        (f"%{name}%", limit),
    )
    return jsonify([dict(row) for row in cur.fetchall()])


@app.route("/users/<int:user_id>")
@login_required
def get_user(user_id: int):
    row = get_db().execute(f"SELECT id, name FROM {USERS_TABLE} WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        abort(404)
    return jsonify(dict(row))


@app.route("/users/bulk")
@login_required
def get_users_bulk():
    ids = [int(value) for value in request.args.getlist("id")]
    placeholders = ", ".join("?" * len(ids))
    rows = get_db().execute(f"SELECT id, name FROM users WHERE id IN ({placeholders})", ids).fetchall()
    return jsonify([dict(row) for row in rows])


@app.route("/session/new", methods=["POST"])
def new_session():
    session["csrf_token"] = secrets.token_urlsafe(32)
    reset_code = secrets.randbelow(900000) + 100000
    log.info("issued a reset code of %d digits", len(str(reset_code)))
    return jsonify({"ok": True})


@app.route("/webhook", methods=["POST"])
def webhook():
    signature = request.headers.get("X-Signature", "")
    expected = hmac.new(WEBHOOK_SECRET, request.get_data(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        abort(403)
    payload = json.loads(request.get_data())
    return jsonify({"received": payload.get("id")})


@app.route("/config", methods=["POST"])
@login_required
def upload_config():
    config = yaml.safe_load(request.get_data())
    return jsonify({"keys": sorted(config)})


@app.route("/thumbnail", methods=["POST"])
@login_required
def thumbnail():
    upload = request.files["image"]
    target = Path("/tmp/uploads") / secrets.token_hex(8)
    upload.save(target)
    subprocess.run(["convert", str(target), "-resize", "50%", str(target.with_suffix(".png"))], check=True)
    return jsonify({"ok": True})


@app.route("/proxy/status")
def upstream_status():
    response = requests.get("https://status.example.com/api", timeout=5)
    return jsonify(response.json())


def file_etag(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def random_backoff(attempt: int) -> float:
    import random

    return min(30.0, 2**attempt) * random.uniform(0.5, 1.5)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
