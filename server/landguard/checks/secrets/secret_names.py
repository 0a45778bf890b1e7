"""Whether a variable or key name holds a secret (``password``, ``self.api_key``, ``dbToken``).

Not a rule: the Python web rules (``checks/python/_web``, which re-exports it) and LG321 (a
JavaScript rule) ask it, so it lives apart from either language's modules: loading the
JavaScript rules does not import the Python ones.
"""

from __future__ import annotations

import re

_SECRET_WORDS = frozenset(
    {
        "password",
        "passwords",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "jwt",
        "bearer",
        "privkey",
    }
)
# "key" is a secret after one of these: api_key, secret_key, private_key, access_key ...
_KEY_QUALIFIERS = frozenset(
    {"api", "access", "secret", "private", "signing", "encryption", "master", "auth", "client"}
)
# Words that may follow the secret word and still name the secret itself (password_confirmation, token_value).
_STILL_SECRET = frozenset(
    {
        "value",
        "str",
        "string",
        "plain",
        "plaintext",
        "raw",
        "confirm",
        "confirmation",
        "text",
        "bytes",
        "b64",
        "encoded",
        "new",
        "old",
        "again",
        "repeat",
        "input",
        "1",
        "2",
    }
)
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def is_secret_name(name: str) -> bool:
    """A variable or key name that holds a secret: ``password``, ``self.api_key``, ``db_token``.

    The secret word must be the name's last word, or be followed only by words that still mean
    the secret (``password_confirmation``): ``token_type``, ``password_hash``, ``api_key_name``
    describe a secret without holding it.
    """
    if not name or len(name) > 60:
        return False
    words = [w for w in _WORD_SPLIT.split(_CAMEL.sub(r"\1_\2", name).lower()) if w]
    if not words or words[0] in ("is", "has", "num", "n", "max", "min", "len", "count"):
        return False
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        secret = word in _SECRET_WORDS or (
            word == "key" and index > 0 and words[index - 1] in _KEY_QUALIFIERS
        )
        if secret:
            return all(rest in _STILL_SECRET for rest in words[index + 1 :])
    return False
