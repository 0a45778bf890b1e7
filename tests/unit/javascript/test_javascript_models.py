"""The JavaScript models (data/models/javascript*.toml): valid, shared by the JS family, and
every kind a row names is one some LG3xx rule asks for."""

from __future__ import annotations

from landguard.dataflow.models import load_models, model_files

# Sink kinds the LG3xx rules read (checks/javascript/*.py ask _flow.hits for these).
RULE_KINDS = {
    "sql",
    "sql-text",
    "command",
    "code",
    "path",
    "nosql",
    "redirect",
    "ssrf",
    "xss",
    "dom-xss",
    "regex",
    "prototype",
    "xxe",
    "template",
    "template-view",
    "template-locals",
    "secret-key",
    "password",
}
# Kinds sanitizers and guards may name besides sink kinds (path-normalized: a marker a prefix guard requires).
OTHER_KINDS = {"*", "path-normalized"}


def test_models_load_and_the_js_family_shares_them():
    assert [name for name, _ in model_files("javascript")] == ["javascript.toml", "javascript_web.toml"]
    models = load_models("javascript")
    assert models is load_models("typescript") is load_models("tsx")
    assert models.sinks and models.sanitizers and models.sources and models.guards


def test_every_sink_kind_is_read_by_a_rule():
    assert load_models("javascript").sink_kinds == RULE_KINDS


def test_sanitizers_name_known_kinds_and_none_is_for_everything_by_accident():
    models = load_models("javascript")
    for row in models.sanitizers.rows:
        assert row.kinds <= RULE_KINDS | OTHER_KINDS, row.origin
    everything = {row.label for row in models.sanitizers.rows if "*" in row.kinds}
    # Only conversions to numbers or booleans make data safe for every kind.
    assert everything <= {
        "parseInt", "parseFloat", "Number", "Number.parseInt", "Number.parseFloat", "Boolean", "Math.*",
        "validator.isInt", "validator.toInt", "validator.isUUID",
    }  # fmt: skip


def test_path_basename_is_a_path_sanitizer_only():
    (row,) = load_models("javascript").sanitizers.match("path.basename")
    assert row.kinds == {"path"}
