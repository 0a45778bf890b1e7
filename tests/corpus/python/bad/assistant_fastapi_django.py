# FastAPI and Django snippets as assistants tend to produce them on the first try.
import hashlib
import os
import ssl
import subprocess

from django.db import connection
from fastapi import FastAPI
from sqlalchemy import create_engine, text

app = FastAPI()
engine = create_engine("postgresql://localhost/app")


@app.get("/search")
def search(q: str):
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM products WHERE name = '{q}'"))  # expect: LG201
        return [dict(r._mapping) for r in rows]


@app.post("/convert")
def convert(filename: str):
    subprocess.run("ffmpeg -i " + filename + " out.mp4", shell=True)  # expect: LG202
    return {"ok": True}


def user_orders(user_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM orders WHERE user_id = {}".format(user_id))  # expect: LG201
        return cursor.fetchall()


def make_session_token(user_id):
    return hashlib.sha1(f"{user_id}{os.urandom(4)}".encode()).hexdigest()  # expect: LG206


def insecure_context():
    context = ssl.create_default_context()
    context.check_hostname = False  # expect: LG205
    context.verify_mode = ssl.CERT_NONE  # expect: LG205
    return context
