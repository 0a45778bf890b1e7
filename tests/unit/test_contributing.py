"""docs/CONTRIBUTING.md's dataflow examples, run as they are written there.

"Adding a source, sink or sanitizer": the rows it shows are valid model rows and are the rows the
named model files ship. "Adding a taint rule": the user's rows and the rule module it shows, put
in a project and a package of their own, find request data reaching the sink and stay quiet on the
sanitized and the constant neighbours.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from landguard.dataflow.models import rows_from_toml
from landguard_testing import only_checks

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "CONTRIBUTING.md").read_text(encoding="utf-8")
_FENCE = re.compile(r"^(`{3,})(\w*)\n(.*?)^\1$", re.M | re.S)


def _blocks(section: str) -> list[tuple[str, str]]:
    """(language, text) of the fenced blocks of the guide's paragraph starting ``section``."""
    start = GUIDE.index(section)
    end = GUIDE.find("\n**", start + len(section))
    return [
        (match.group(2), match.group(3)) for match in _FENCE.finditer(GUIDE[start : end if end > 0 else None])
    ]


def test_the_documented_rows_are_valid_and_shipped():
    (language, text), *_ = _blocks("**Adding a source, sink or sanitizer**")
    assert language == "toml"
    files = re.split(r"^# (server/landguard/data/models/\S+\.toml)\n", text, flags=re.M)[1:]
    assert files
    for name, rows in zip(files[::2], files[1::2], strict=True):
        documented = tomllib.loads(rows)
        rows_from_toml(documented, name)  # the schema accepts them
        shipped = tomllib.loads((ROOT / name).read_text(encoding="utf-8"))
        for table, entries in documented.items():
            for row in entries:
                assert any(row.items() <= candidate.items() for candidate in shipped[table]), (name, row)


def test_the_documented_taint_rule_and_user_models_work(tmp_path):
    from landguard.engine import analyze
    from landguard.engine.config import load_config
    from landguard.engine.registry import discover_checks

    (toml, models), (language, module) = _blocks("A whole taint rule")
    assert (toml, language) == ("toml", "python")
    package = tmp_path / "acme_rules"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "template_injection.py").write_text(module, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(models, encoding="utf-8")
    app = (
        "from acme.templates import escape, render_raw\nfrom flask import request\n\n\n"
        "def greet():\n    return render_raw(request.args['greeting'])\n\n\n"
        "def greet_escaped():\n    return render_raw(escape(request.args['greeting']))\n\n\n"
        "def greet_fixed():\n    return render_raw('Hello {{ name }}')\n"
    )
    path = tmp_path / "app.py"
    path.write_text(app, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import acme_rules

        checks = discover_checks(acme_rules)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == "acme_rules"]:
            del sys.modules[name]
    with only_checks(tuple(checks)):
        found = analyze.analyze_text(app, load_config(path).config, path=str(path))
    assert [(f.rule_id, f.span.start_line) for f in found] == [("LG299", 5)]
    assert "acme.templates.render_raw" in found[0].message
