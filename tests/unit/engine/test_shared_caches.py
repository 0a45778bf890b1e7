"""The caches shared by every document (issue #15, memory over edits): keyed by digests of unit
texts, never the texts, and bounded, so what outlives a closed or edited document is small; and
analysis with entries evicted at any moment still equals a fresh one."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.fixes import secrets as secret_fixes
from landguard.languages import java, python
from landguard.languages.common import SharedCache, text_digest
from landguard_testing import replay_with_idle_copies

CONFIG = Config(dependencies=DependencySettings(online=False))
TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"

PYTHON = (
    "import pickle\nimport subprocess\n\n"
    f'API = "{TOKEN}"\n'
    "def helper(x):\n    return x\n\n"
    "def handler(request):\n"
    "    data = helper(request.args.get('q'))\n"
    "    subprocess.run(data, shell=True)\n"
    "    return pickle.loads(data)\n"
)
JAVA = (
    "import java.sql.Statement;\n"
    "class App {\n"
    "  String helper(String x) { return x; }\n"
    "  class Inner { String name; }\n"
    "  void run(Statement s, String q) throws Exception {\n"
    '    s.executeQuery("select * from t where a = " + helper(q));\n'
    "    Runtime.getRuntime().exec(q);\n"
    "  }\n"
    "}\n"
)
SOURCES = {"app.py": PYTHON, "App.java": JAVA}
PIECES = [
    "",
    "x",
    "\n",
    "(",
    "}",
    "return q;",
    "helper(",
    "    y = eval(x)\n",
    "String helper(String x) { return q; }\n",
]


def _keys(cache: SharedCache) -> list:
    return list(cache._entries)


def _bytes_in(key: object) -> list[bytes]:
    return [part for part in (key if isinstance(key, tuple) else (key,)) if isinstance(part, bytes)]


def test_the_shared_caches_hold_digests_not_unit_texts():
    for path, text in SOURCES.items():
        Analysis(
            Document(text + "\n" * 3 + "# tail\n" if path.endswith(".py") else text, path=path), CONFIG
        ).run()
    gc.collect()
    keys = [
        *_keys(python._UNIT_NAMES),
        *_keys(java._MEMBER_OPS),
        *_keys(java._SKELETONS),
    ]
    assert _keys(python._UNIT_NAMES) and _keys(java._MEMBER_OPS) and _keys(java._SKELETONS)
    assert all(len(part) == 16 for key in keys for part in _bytes_in(key)), keys
    assert text_digest(b"def helper(x):\n    return x") in _keys(python._UNIT_NAMES)


def test_a_shared_cache_drops_the_least_recently_used():
    cache: SharedCache[int] = SharedCache(limit=2)
    cache.put(b"a", 1)
    cache.put(b"b", 2)
    assert cache.get(b"a") == 1  # now the most recent
    cache.put(b"c", 3)
    assert cache.get(b"b") is None
    assert (cache.get(b"a"), cache.get(b"c"), len(cache)) == (1, 3, 2)


def test_the_import_os_memo_goes_with_its_document():
    document = Document(PYTHON, path="app.py")
    secret_fixes.import_os_key(document)
    assert len(secret_fixes._IMPORT_OS_MEMO) >= 1
    del document
    gc.collect()
    assert not any(text == PYTHON for text, _ in secret_fixes._IMPORT_OS_MEMO.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(sorted(SOURCES)),
    steps=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from([0, 1, 5, 30]), st.sampled_from(PIECES), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_incremental_equals_fresh_with_tiny_shared_caches(path, steps):
    """With room for one entry, every lookup but the last unit's misses and entries are evicted in
    the middle of a run: the result must not depend on what the shared caches still hold."""
    caches = (python._UNIT_NAMES, java._MEMBER_OPS, java._SKELETONS)
    limits = [cache.limit for cache in caches]
    for cache in caches:
        cache.limit = 1
        cache.clear()
    try:
        replay_with_idle_copies(SOURCES[path], path, steps, CONFIG)
    finally:
        for cache, limit in zip(caches, limits, strict=True):
            cache.limit = limit


WARM_PROBE = """
import json, sys
from landguard.engine.registry import warm_lazy_imports
before = "detect_secrets" in sys.modules
warm_lazy_imports()
from landguard.checks.secrets import detect_secrets_adapter
print(json.dumps({"before": before, "after": "detect_secrets" in sys.modules,
                  "configured": detect_secrets_adapter._plugins is not None}))
"""


def test_warming_imports_what_the_secrets_checks_load_on_first_use():
    result = subprocess.run([sys.executable, "-c", WARM_PROBE], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {"before": False, "after": True, "configured": True}
