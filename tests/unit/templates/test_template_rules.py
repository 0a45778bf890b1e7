"""LG260 and LG261 on Django/Jinja2 templates: fixtures, fixes, and which files count as templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import FIXTURES, apply_fix, check_fixture, findings_for, fix_cases, incremental_runs

FIXTURE_FILES = sorted((FIXTURES / "templates").glob("LG26*.html"))
BAD = (
    "{% if user %}<p>{{ comment.body|safe }}</p>{% endif %}\n{% autoescape off %}{{ x }}{% endautoescape %}\n"
)


def _ids(text: str, path: str) -> list[str]:
    return sorted(f.rule_id for f in findings_for(text, path) if f.rule_id in ("LG260", "LG261"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture(path: Path):
    check_fixture(path, path.name.split(".")[0])


FIX_CASES = list(fix_cases(FIXTURE_FILES, lambda path: {"LG260", "LG261"}))


def test_fixes_are_offered():
    assert len(FIX_CASES) >= 8


@pytest.mark.parametrize(("path", "finding", "fix"), FIX_CASES)
def test_fix_clears_the_finding_and_keeps_the_tag(path: Path, finding, fix):
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    line = fixed.splitlines()[finding.span.start_line]
    assert line.count("{{") == line.count("}}") and line.count("{%") == line.count("%}")
    assert fix.unsafe  # markup the value meant to carry is escaped afterwards
    after = [
        f
        for f in findings_for(fixed, str(path))
        if f.rule_id == finding.rule_id and f.span.start_line == finding.span.start_line
    ]
    assert len(after) < len(
        [
            f
            for f in findings_for(text, str(path))
            if f.rule_id == finding.rule_id and f.span.start_line == finding.span.start_line
        ]
    )


@pytest.mark.parametrize(
    "path",
    ["app/templates/page.html", "app/jinja2/page.htm", "mail/welcome.jinja", "x/base.j2", "x/site.djhtml"],
)
def test_templates_are_recognised(path: str):
    assert _ids(BAD, path) == ["LG260", "LG261"]


def test_html_with_a_statement_tag_is_a_template_anywhere():
    assert _ids(BAD, "site/index.html") == ["LG260", "LG261"]


def test_plain_html_and_other_files_are_not_templates():
    angular = '<p>{{ comment.body | safe }}</p>\n<div [innerHTML]="x | safe"></div>\n'
    assert _ids(angular, "src/app/comment.component.html") == []
    assert _ids(BAD, "notes/template-syntax.md") == []
    assert _ids(BAD, "app/templates/page.txt") == []


CORPUS = sorted((Path(__file__).parents[2] / "corpus" / "templates").rglob("*.*"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_clean_templates_stay_quiet(path: Path):
    assert len(path.read_text(encoding="utf-8").splitlines()) > 10
    assert _ids(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize(
    "value",
    ["field.help_text", "form.password1.help_text", "fieldset.description", "field.schema.description"],
)
def test_html_the_framework_documents_as_developer_written_is_quiet(value: str):
    # data/models/templates.toml: Django/DRF/WTForms help text, admin fieldset and schema descriptions.
    assert _ids(f"<p>{{{{ {value}|safe }}}}</p>\n", "app/templates/form.html") == []


@pytest.mark.parametrize(
    "value",
    ["product.description", "comment.body", "field.help_text_html", "help(field.help_text)", "user.bio"],
)
def test_other_values_written_with_safe_are_reported(value: str):
    # A user-written `description` is the classic stored XSS; only the documented paths are trusted.
    assert _ids(f"<p>{{{{ {value}|safe }}}}</p>\n", "app/templates/form.html") == ["LG260"]


PLAIN_TEXT_MAIL = (
    "{% load i18n %}{% autoescape off %}\n"
    "Hello {{ user.get_username }}, reset your password at {{ protocol }}://{{ domain }}{{ path|safe }}\n"
    "{% endautoescape %}\n"
)


def test_a_template_that_writes_no_html_is_quiet():
    # An e-mail's text part (Django's password_reset_email.html): no browser shows it.
    assert _ids(PLAIN_TEXT_MAIL, "app/templates/registration/password_reset_email.html") == []


def test_the_same_template_with_markup_is_reported():
    html = PLAIN_TEXT_MAIL.replace("Hello", "<p>Hello")
    assert _ids(html, "app/templates/registration/password_reset_email.html") == ["LG260", "LG261"]


def test_markup_typed_into_a_plain_text_template_reports_it_incrementally():
    path = "app/templates/registration/password_reset_email.html"
    document = Document(PLAIN_TEXT_MAIL, path=path)
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    end = len(PLAIN_TEXT_MAIL)
    steps = [(1.0, 1.0, "<a href='/'>home</a>\n"), (len("{% load") / end, len("{% load") / end, " ")]
    runs = list(incremental_runs(document, analysis, steps))
    for text, found in runs:
        incremental = sorted(f.rule_id for f in found if f.rule_id in ("LG260", "LG261"))
        assert incremental == _ids(text, path)
    assert _ids(runs[0][0], path) == ["LG260", "LG261"]


def test_a_first_statement_tag_makes_an_html_file_a_template_incrementally():
    path = "site/index.html"  # outside a template folder: a template only once it has a {% tag
    text = "<p>{{ comment.body|safe }}</p>\n<p>{{ other }}</p>\n"
    document = Document(text, path=path)
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    runs = list(
        incremental_runs(document, analysis, [(1.0, 1.0, "{% if user %}{% endif %}\n"), (1.0, 1.0, "x")])
    )
    assert [sorted(f.rule_id for f in found if f.rule_id == "LG260") for _, found in runs] == [["LG260"]] * 2


def test_a_hostile_line_of_tag_openers_is_read_in_linear_time():
    import time

    from landguard.checks.templates._syntax import _outside_tags

    assert _outside_tags("a {{ x }} <p> {% if y %} b {# c #} d {{ e") == "a  <p>  b  d "
    started = time.process_time()
    for hostile in ("<p>" + "{{" * 100_000, "{{ x }}" * 40_000 + "<p>", "{#" * 100_000):
        _outside_tags(hostile)
    assert time.process_time() - started < 1.0  # a backtracking regex took minutes here
