"""A small Flask application written the safe way (corpus: must produce no LG2xx finding)."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import defusedxml.ElementTree
import jwt
import requests
from flask import Flask, abort, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename

app = Flask(__name__)
log = logging.getLogger(__name__)

UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", "/srv/uploads")).resolve()
ALLOWED_HOSTS = {"images.example.com", "cdn.example.com"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
JWT_KEY = os.environ.get("JWT_PUBLIC_KEY", "")


@app.route("/")
def index():
    return render_template("index.html", user=current_user)


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    return f"<h1>Hello {escape(name)}</h1>"


@app.route("/badge/<label>")
def badge(label):
    return Markup("<span class='badge'>{}</span>").format(label)


@app.route("/files/<name>")
def download(name):
    return send_from_directory(UPLOAD_DIR, secure_filename(name))


@app.route("/preview")
def preview():
    target = (UPLOAD_DIR / request.args["path"]).resolve()
    if not target.is_relative_to(UPLOAD_DIR):
        abort(404)
    return target.read_text(encoding="utf-8")


@app.route("/upload", methods=["POST"])
@login_required
def upload():
    uploaded = request.files["file"]
    filename = secure_filename(uploaded.filename or "upload.bin")
    uploaded.save(os.path.join(UPLOAD_DIR, filename))
    log.info("user %s uploaded %s", current_user.id, filename)
    return jsonify({"name": filename})


@app.route("/import", methods=["POST"])
@login_required
def import_xml():
    root = defusedxml.ElementTree.fromstring(request.data)
    return jsonify({"tag": root.tag})


@app.route("/fetch")
@login_required
def fetch_image():
    url = request.args["url"]
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        abort(400)
    response = requests.get(url, timeout=5)
    return response.content


@app.route("/after-login")
def after_login():
    target = request.args.get("next", "")
    if urlparse(target).netloc or not target.startswith("/"):
        target = url_for("index")
    return redirect(target)


@app.route("/profile")
def profile():
    return redirect(url_for("index", tab=request.args.get("tab", "home")))


@app.route("/api/me")
def me():
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ")
    claims = jwt.decode(token, JWT_KEY, algorithms=["RS256"], audience="my-api")
    log.debug("token accepted for subject %s", claims["sub"])
    return jsonify(claims)


@app.route("/slug")
def check_slug():
    return jsonify({"valid": bool(SLUG.match(request.args.get("slug", "")))})


@app.route("/search")
def search():
    needle = re.escape(request.args.get("q", ""))
    lines = Path(UPLOAD_DIR / "index.txt").read_text(encoding="utf-8").splitlines()
    return jsonify([line for line in lines if re.search(needle, line)])


def export_report(rows: list[str]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.writelines(rows)
        return handle.name


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")
