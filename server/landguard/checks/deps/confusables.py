"""Curated tables: packages that exist but are not what the code means, and import names -> distributions.

Kept by hand because no registry metadata says "this is a stand-in": each entry was checked
against the registry snapshot (the name exists) and its summary or history.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Confusable:
    intended: str | None  # the package meant (the fix), or None when nothing should be installed
    why: str


# PyPI names (normalized) that exist but are placeholders, dummies, abandoned or a different library
# than the import of the same name.
PYPI_CONFUSABLES: dict[str, Confusable] = {
    "sklearn": Confusable(
        "scikit-learn", "is a deprecated dummy package; `import sklearn` comes from scikit-learn"
    ),
    "pytorch": Confusable("torch", "is an empty placeholder; PyTorch is published as `torch`"),
    "crypto": Confusable(
        "pycryptodome", "is an unrelated GPG file tool; `import Crypto` comes from pycryptodome"
    ),
    "pycrypto": Confusable(
        "pycryptodome", "is unmaintained since 2014 with known flaws; pycryptodome replaces it"
    ),
    "bs4": Confusable("beautifulsoup4", "is a dummy package that only pulls in beautifulsoup4"),
    "beautifulsoup": Confusable("beautifulsoup4", "is Beautiful Soup 3 (Python 2 only, abandoned)"),
    "jwt": Confusable("PyJWT", "is a different JWT library; `import jwt` in most code means PyJWT"),
    "tensorflow-gpu": Confusable("tensorflow", "was removed; the GPU build ships in `tensorflow`"),
    "pandas-profiling": Confusable("ydata-profiling", "is deprecated and renamed to ydata-profiling"),
    "fake-factory": Confusable("Faker", "is deprecated (2016); it became Faker"),
    "attr": Confusable("attrs", "is an unrelated decorator package; `import attr` comes from attrs"),
    "dotenv": Confusable(
        "python-dotenv", "is a deprecated package; `import dotenv` comes from python-dotenv"
    ),
    "docx": Confusable("python-docx", "is an old unrelated package; `import docx` comes from python-docx"),
    "telegram": Confusable(
        "python-telegram-bot", "is a 0.0.1 placeholder; `import telegram` is python-telegram-bot"
    ),
    "serial": Confusable(
        "pyserial", "is an unrelated serialization framework; `import serial` comes from pyserial"
    ),
    "usb": Confusable("pyusb", "is an unrelated browser-history tool; `import usb` comes from pyusb"),
    "slackclient": Confusable("slack-sdk", "is the deprecated Slack client; use slack-sdk"),
    "asyncio": Confusable(None, "is an abandoned backport that shadows the standard library's asyncio"),
    "typing": Confusable(None, "is a backport of a standard library module (Python 3.5+ has it)"),
    "argparse": Confusable(None, "is a backport of a standard library module"),
    "enum34": Confusable(None, "is a backport of the standard library's enum that breaks on Python 3.6+"),
    "futures": Confusable(None, "is a Python 2 backport of concurrent.futures"),
}

# npm names that are placeholders (security holding packages) or Node.js built-ins.
NPM_CONFUSABLES: dict[str, Confusable] = {
    "fs": Confusable(None, "is a Node.js built-in; the npm package is a security holding placeholder"),
    "child_process": Confusable(None, "is a Node.js built-in; the npm package of that name is not it"),
    "crypto": Confusable(None, "is a Node.js built-in; the npm package is deprecated and unrelated"),
    "http": Confusable(None, "is a Node.js built-in; no npm package is needed"),
    "https": Confusable(None, "is a Node.js built-in; the npm package of that name is not it"),
    "net": Confusable(None, "is a Node.js built-in; the npm package of that name is not it"),
    "tls": Confusable(None, "is a Node.js built-in; the npm package of that name is a placeholder"),
    "dns": Confusable(None, "is a Node.js built-in; the npm package of that name is an unrelated DNS server"),
    "events-web": Confusable(None, "is an npm security holding package (malware was removed)"),
    "pragmatic-drag-and-drop": Confusable(
        "@atlaskit/pragmatic-drag-and-drop", "is an npm security holding package (malware was removed)"
    ),
    "splide": Confusable("@splidejs/splide", "is an npm security holding package (malware was removed)"),
}

# Import name -> PyPI distribution, where they differ (case-sensitive on the import side).
IMPORT_TO_DISTRIBUTION: dict[str, str] = {
    "yaml": "PyYAML",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "PIL": "Pillow",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "jwt": "PyJWT",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "OpenSSL": "pyOpenSSL",
    "attr": "attrs",
    "dotenv": "python-dotenv",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "telegram": "python-telegram-bot",
    "serial": "pyserial",
    "usb": "pyusb",
    "magic": "python-magic",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "google.protobuf": "protobuf",
    "google.cloud.storage": "google-cloud-storage",
    "googleapiclient": "google-api-python-client",
    "github": "PyGithub",
    "gitlab": "python-gitlab",
    "git": "GitPython",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "slugify": "python-slugify",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "Levenshtein": "python-Levenshtein",
    "ldap": "python-ldap",
    "nacl": "PyNaCl",
    "zmq": "pyzmq",
    "win32api": "pywin32",
    "win32con": "pywin32",
    "pythoncom": "pywin32",
    "wx": "wxPython",
    "fitz": "PyMuPDF",
    "Bio": "biopython",
    "sentence_transformers": "sentence-transformers",
    "faiss": "faiss-cpu",
    "tensorflow_hub": "tensorflow-hub",
    "kafka": "kafka-python",
    "pkg_resources": "setuptools",
    "_pytest": "pytest",
    "pytest_asyncio": "pytest-asyncio",
    "xdist": "pytest-xdist",
    "pdm.backend": "pdm-backend",
    "hatchling": "hatchling",
    "flit_core": "flit-core",
    "material": "mkdocs-material",
    "sphinx_rtd_theme": "sphinx-rtd-theme",
    "socks": "PySocks",
    "gi": "PyGObject",
    "mpl_toolkits": "matplotlib",
    "lxml": "lxml",
    "markdown": "Markdown",
    "websocket": "websocket-client",
    "rest_framework": "djangorestframework",
    "corsheaders": "django-cors-headers",
    "environ": "django-environ",
    "flask_sqlalchemy": "Flask-SQLAlchemy",
    "flask_cors": "Flask-Cors",
    "flask_login": "Flask-Login",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "dns": "dnspython",
    "Xlib": "python-xlib",
    "ruamel": "ruamel.yaml",
    "typing_extensions": "typing-extensions",
    "pydantic_settings": "pydantic-settings",
    "tree_sitter": "tree-sitter",
    "tree_sitter_python": "tree-sitter-python",
    "tree_sitter_javascript": "tree-sitter-javascript",
    "tree_sitter_typescript": "tree-sitter-typescript",
    "tree_sitter_java": "tree-sitter-java",
    "detect_secrets": "detect-secrets",
    "pytest_lsp": "pytest-lsp",
    "grpc": "grpcio",
    "absl": "absl-py",
    "tomli_w": "tomli-w",
    "speech_recognition": "SpeechRecognition",
    "igraph": "python-igraph",
    "Image": "Pillow",
    "memcache": "python-memcached",
    "ujson": "ujson",
    "mx": "egenix-mx-base",
    "IPython": "ipython",
    "discord": "discord.py",
    "paho": "paho-mqtt",
}
