# Utility helpers as they are often suggested.
import hashlib
import random

import psycopg2
import torch
from Crypto.Cipher import AES


def hash_password(password):
    return hashlib.sha256(password.encode()).hexdigest()  # expect: LG209


def generate_api_signature(secret, payload):
    return hashlib.md5((secret + payload).encode()).hexdigest()  # expect: LG206


def generate_otp():
    return str(random.randint(100000, 999999))  # expect: LG207


def encrypt(key, data):
    cipher = AES.new(key, AES.MODE_ECB)  # expect: LG208
    return cipher.encrypt(data)


def get_orders(customer_id):
    conn = psycopg2.connect(dbname="shop")
    cur = conn.cursor()
    cur.execute("SELECT * FROM orders WHERE customer_id = %s" % customer_id)  # expect: LG201
    return cur.fetchall()


def load_checkpoint(path):
    return torch.load(path)  # expect: LG204
