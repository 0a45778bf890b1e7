"""Regenerate docs/rules.md, docs/secrets.md and the rule table in README.md from the rules (`make docs`)."""

from pathlib import Path

from landguard.checks.secrets import providers
from landguard.cli import rules_markdown, rules_table
from landguard.engine.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def readme_with_table(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    table = "\n".join(rules_table(list(all_rules().values()), "docs/rules.md"))
    return f"{head}{START}\n{table}\n{END}{tail}"


def main() -> None:
    rules = list(all_rules().values())
    (ROOT / "docs" / "rules.md").write_text(rules_markdown(rules), encoding="utf-8")
    (ROOT / "docs" / "secrets.md").write_text(providers.render_markdown(), encoding="utf-8")
    readme = ROOT / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
