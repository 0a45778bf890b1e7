"""Order lookup service — the kind of Flask app an assistant writes in one go."""

import os
import sqlite3
import subprocess

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)

OPENAI_API_KEY = "sk-proj-Xq3vT9bLm2Nc8RwZ4kYp7HsJd1FgA6eU0iOoKlMnBvCx"
DATABASE = os.environ.get("ORDERS_DB", "orders.db")


@app.route("/orders")
def orders():
    customer = request.args.get("customer")
    conn = sqlite3.connect(DATABASE)
    rows = conn.execute(f"SELECT id, total FROM orders WHERE customer = '{customer}'").fetchall()
    return {"orders": rows}


@app.route("/report", methods=["POST"])
def report():
    options = yaml.load(request.data)
    subprocess.run(f"generate-report --format {options['format']}", shell=True)
    return "ok"


@app.route("/rates")
def rates():
    response = requests.get("https://rates.internal.example/api", verify=False, timeout=5)
    return response.json()


def apply_discount(expression: str) -> float:
    return eval(expression)


if __name__ == "__main__":
    app.run(debug=True)
