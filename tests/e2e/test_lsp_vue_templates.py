"""End to end: a Vue component and a Django template in the editor.

The script block's findings come back on the component's own lines with UTF-16 columns (an
astral character in the template before them), the v-html fix and both suppressions use the
comment syntax of the place they go in (`//` in the script, `<!-- -->` in the template), and a
Django or Jinja template gets its findings and suppressions as template comments (`{# #}`).
"""

from __future__ import annotations

from conftest import apply_text_edits, code_actions, edits_for, send_edits

COMPONENT = """<template>
  <p title="😀">{{ note }}</p>
  <div v-html="props.body"></div>
</template>

<script setup lang="ts">
const props = defineProps<{ body: string }>()
function show(el: HTMLElement, html: string) { el.innerHTML = '<b>' + html }
</script>
"""


def of(diagnostics, code):
    return [d for d in diagnostics if d.code == code]


async def test_vue_component_findings_fixes_and_suppressions(session):
    await session.initialize()
    uri = session.open("src/Note.vue", COMPONENT, "vue")
    diagnostics = await session.diagnostics(
        uri, version=1, where=lambda ds: of(ds, "LG301") and of(ds, "LG330")
    )
    [dom] = of(diagnostics, "LG301")
    assert dom.range.start.line == 7
    assert dom.range.start.character == COMPONENT.splitlines()[7].index("el.innerHTML")
    [vhtml] = of(diagnostics, "LG330")
    assert (vhtml.range.start.line, vhtml.range.start.character) == (2, 7)

    actions = await code_actions(session, uri, vhtml)
    fix = next(a for a in actions if "v-text" in a.title)
    assert '<div v-text="props.body"></div>' in apply_text_edits(COMPONENT, edits_for(fix, uri))
    suppress = next(a for a in actions if a.title == "Suppress LG330 on this line")
    template_line = apply_text_edits(COMPONENT, edits_for(suppress, uri)).splitlines()[2]
    assert template_line.endswith("<!-- landguard: ignore[LG330] -- reason -->"), template_line

    actions = await code_actions(session, uri, dom)
    suppress = next(a for a in actions if a.title == "Suppress LG301 on this line")
    edits = edits_for(suppress, uri)
    script_line = apply_text_edits(COMPONENT, edits).splitlines()[7]
    assert script_line.endswith("// landguard: ignore[LG301] -- reason"), script_line
    version = send_edits(session, uri, edits)
    after = await session.diagnostics(uri, version=version)
    assert not of(after, "LG301") and of(after, "LG330")


async def test_django_template_findings(session):
    await session.initialize()
    text = "{% extends 'base.html' %}\n<p>{{ comment.body|safe }}</p>\n"
    uri = session.open("app/templates/comment.html", text, "django-html")
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: of(ds, "LG260"))
    [safe] = of(diagnostics, "LG260")
    assert (safe.range.start.line, safe.range.start.character) == (1, 18)

    # Suppressions are template comments, which the template engine drops when it renders.
    actions = await code_actions(session, uri, safe)
    suppress = next(a for a in actions if a.title == "Suppress LG260 on this line")
    edits = edits_for(suppress, uri)
    line = apply_text_edits(text, edits).splitlines()[1]
    assert line.endswith("{# landguard: ignore[LG260] -- reason #}"), line
    version = send_edits(session, uri, edits)
    assert not of(await session.diagnostics(uri, version=version), "LG260")


async def test_jinja_template_file_suppression(session):
    await session.initialize()
    text = "<p>{{ first|safe }}</p>\n<p>{{ second|safe }}</p>\n"
    uri = session.open("app/templates/page.jinja", text, "jinja")
    diagnostics = await session.diagnostics(uri, version=1, where=lambda ds: len(of(ds, "LG260")) == 2)
    actions = await code_actions(session, uri, of(diagnostics, "LG260")[0])
    suppress = next(a for a in actions if a.title == "Suppress LG260 in this file")
    edits = edits_for(suppress, uri)
    assert apply_text_edits(text, edits).startswith("{# landguard: ignore-file[LG260] -- reason #}\n")
    version = send_edits(session, uri, edits)
    assert not of(await session.diagnostics(uri, version=version), "LG260")
