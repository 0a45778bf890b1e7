"""Which files are Django/Jinja2 templates.

Those with a template extension (``.jinja``, ``.jinja2``, ``.j2``, ``.djhtml``, ``.dtl``), and HTML
files (``.html``, ``.htm``) that sit in a template folder (``templates/``, ``jinja2/``,
``_templates/``) or use a statement tag (``{% ... %}``) somewhere: plain HTML, Angular and
Handlebars pages have no ``{%`` tags, and ``{{ ... }}`` alone proves nothing. A template's
comments are ``{# ... #}``, which the template engine drops when it renders.
"""

from __future__ import annotations

from landguard.engine.document import Document

TEMPLATE_EXTENSIONS = (".jinja", ".jinja2", ".j2", ".djhtml", ".dtl")
HTML_EXTENSIONS = (".html", ".htm")
TEMPLATE_FOLDERS = frozenset({"templates", "template", "jinja2", "_templates"})
STATEMENT_MARKER = ("{%",)


def could_be_template(document: Document) -> bool:
    """Whether the file's name allows it to be a template (the check list is chosen from it)."""
    path = (document.path or "").lower()
    return not document.path or path.endswith(TEMPLATE_EXTENSIONS + HTML_EXTENSIONS)


def is_template(document: Document) -> bool:
    """Whether a document is a Django/Jinja2 template (see the module docstring)."""
    path = (document.path or "").replace("\\", "/").lower()
    if path.endswith(TEMPLATE_EXTENSIONS):
        return True
    if path and not path.endswith(HTML_EXTENSIONS):
        return False
    if TEMPLATE_FOLDERS.intersection(path.split("/")[:-1]):
        return True
    return document.has_lines_with(STATEMENT_MARKER)
