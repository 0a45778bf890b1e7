"""Rule documentation links resolve: to the installed version's docs, or a configured base URL."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from landguard import docs_links
from landguard.cli import rules_markdown
from landguard.engine.registry import all_rules, get_rule


def test_default_links_open_the_docs_of_the_installed_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LANDGUARD_DOCS_URL", raising=False)
    docs_links.docs_base.cache_clear()
    try:
        uri = get_rule("LG201").help_uri
        parsed = urlparse(uri)
        assert parsed.scheme == "file" and parsed.fragment == "lg201"
        file = Path(unquote(parsed.path))
        assert file.is_file() and file.is_relative_to(tmp_path)
        text = file.read_text(encoding="utf-8")
        assert text == rules_markdown(list(all_rules().values()))
        assert "\n## LG201\n" in text  # the anchor exists
    finally:
        docs_links.docs_base.cache_clear()


def test_a_configured_base_url(monkeypatch):
    monkeypatch.setenv("LANDGUARD_DOCS_URL", "https://docs.internal.test/landguard/rules.html")
    docs_links.docs_base.cache_clear()
    try:
        assert get_rule("LG101").help_uri == "https://docs.internal.test/landguard/rules.html#lg101"
    finally:
        docs_links.docs_base.cache_clear()


def test_no_placeholder_urls_left():
    root = Path(__file__).resolve().parents[2]
    for relative in ("README.md", ".pre-commit-hooks.yaml", "clients/vscode/package.json", "pyproject.toml"):
        text = (root / relative).read_text(encoding="utf-8")
        for placeholder in ("example.invalid", "<URL of this repository>", "github.com/landguard/landguard"):
            assert placeholder not in text, f"{relative} still has {placeholder}"
    for source in (root / "server" / "landguard").rglob("*.py"):
        assert "github.com/landguard/landguard" not in source.read_text(encoding="utf-8"), source
