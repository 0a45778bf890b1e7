# A Flask app the way an assistant often writes it on the first try.
import os
import pickle
import random
import sqlite3
import string
import subprocess

import requests
import yaml
from flask import Flask, jsonify, request

app = Flask(__name__)


def get_db():
    conn = sqlite3.connect("users.db")
    return conn


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    password = request.form["password"]
    conn = get_db()
    cursor = conn.cursor()
    query = f"SELECT * FROM users WHERE username = '{username}' AND password = '{password}'"
    cursor.execute(query)  # expect: LG201
    user = cursor.fetchone()
    if user:
        token = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # expect: LG207
        return jsonify({"token": token})
    return jsonify({"error": "Invalid credentials"}), 401


@app.route("/ping")
def ping():
    host = request.args.get("host")
    output = subprocess.check_output(f"ping -c 1 {host}", shell=True)  # expect: LG202
    return output


@app.route("/calc")
def calc():
    expression = request.args.get("expr")
    result = eval(expression)  # expect: LG203
    return jsonify({"result": result})


@app.route("/import", methods=["POST"])
def import_data():
    data = pickle.loads(request.data)  # expect: LG204
    settings = yaml.load(request.form["settings"], Loader=yaml.Loader)  # expect: LG204
    return jsonify({"items": len(data), "settings": settings})


@app.route("/fetch")
def fetch():
    url = "https://internal.example.com/api/data"
    response = requests.get(url, verify=False)  # expect: LG205
    return response.json()


if __name__ == "__main__":
    os.system("clear")
    app.run()
