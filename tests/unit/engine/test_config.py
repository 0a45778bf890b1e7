"""Configuration: project files, editor settings, precedence and clear errors."""

from landguard.engine.config import Config, apply_settings, load_config
from landguard.engine.findings import Severity


def test_pyproject_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.landguard]\nignore = ["LG2"]\nseverity = { LG101 = "note" }\n'
        'dependencies = { online = false, pypiUrl = "http://127.0.0.1:9/pypi/" }\n'
    )
    (tmp_path / "src").mkdir()
    result = load_config(tmp_path / "src")
    assert result.errors == []
    config = result.config
    assert not config.is_enabled("LG201") and config.is_enabled("LG101")
    assert config.severity_for("LG101", Severity.ERROR) is Severity.NOTE
    assert config.dependencies.online is False
    assert config.dependencies.pypi_url == "http://127.0.0.1:9/pypi"
    assert config.root == str(tmp_path)


def test_landguard_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.landguard]\nignore = ['LG1']\n")
    (tmp_path / "landguard.toml").write_text("select = ['LG1']\n")
    config = load_config(tmp_path).config
    assert config.select == ("LG1",) and config.ignore == ()


def test_editor_settings_override_the_project_file(tmp_path):
    (tmp_path / "landguard.toml").write_text("ignore = ['LG101']\nmaxFileSize = 1000\n")
    config = load_config(tmp_path, {"ignore": [], "aiMarkers": ["copilot"]}).config
    assert config.ignore == () and config.max_file_size == 1000 and config.ai_markers == ("copilot",)


def test_broken_toml_gives_one_clear_error_and_the_defaults(tmp_path):
    (tmp_path / "landguard.toml").write_text("select = [LG1\n")
    result = load_config(tmp_path)
    assert len(result.errors) == 1 and "invalid TOML" in result.errors[0]
    assert result.config.select == Config().select


def test_invalid_values_are_reported_and_ignored():
    config, errors = apply_settings(
        Config(),
        {
            "select": ["LG1", "S608"],
            "severity": {"LG101": "fatal"},
            "maxFileSize": -1,
            "dependencies": {"online": "yes", "osvUrl": "ftp://x"},
            "colour": "blue",
        },
        "editor settings",
    )
    assert config.select == ("LG1",)
    assert config.max_file_size == Config().max_file_size
    assert config.dependencies.online is True
    joined = "\n".join(errors)
    for fragment in (
        "'S608'",
        "fatal",
        "maxFileSize",
        "dependencies.online",
        "osvUrl",
        "unknown setting 'colour'",
    ):
        assert fragment in joined
    assert all(e.startswith("editor settings: ") for e in errors)


def test_settings_that_are_not_an_object_are_rejected():
    config, errors = apply_settings(Config(), ["LG1"], "editor settings")
    assert config == Config() and errors


def test_fingerprint_changes_with_settings():
    assert Config().fingerprint() == Config().fingerprint()
    assert Config(ignore=("LG1",)).fingerprint() != Config().fingerprint()


def test_rule_answers_are_remembered_per_config_and_not_carried_by_replace():
    from dataclasses import replace

    config = Config(select=("LG2", "LG101"), ignore=("LG201",))
    answers = [config.is_enabled(rule_id) for rule_id in ("LG201", "LG202", "LG101", "LG102")]
    assert answers == [False, True, True, False]
    # Asked again: the remembered answers are the same.
    assert [config.is_enabled(rule_id) for rule_id in ("LG201", "LG202", "LG101", "LG102")] == answers
    narrowed = replace(config, select=("LG102",), ignore=())
    assert [narrowed.is_enabled(rule_id) for rule_id in ("LG201", "LG202", "LG101", "LG102")] == [
        False,
        False,
        False,
        True,
    ]
    # Not a field: equality and the fingerprint ignore what was asked.
    assert config == Config(select=("LG2", "LG101"), ignore=("LG201",))
    assert config.fingerprint() == Config(select=("LG2", "LG101"), ignore=("LG201",)).fingerprint()
