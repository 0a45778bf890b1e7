"""Vue single-file components: block scanning, the masked script, and edits to a component.

The script rules see a program whose every byte offset is the ``.vue`` file's own, so the
checks here are about that promise: masking keeps lengths and rows, script text is untouched,
and an edited component parses and analyses exactly like the same text opened fresh.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.engine.analyze import Analysis, analyze_text
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.sfc import scan
from landguard_testing import incremental_runs, utf16_range

COMPONENT = """<template>
  <div class="é😀" v-html="html">{{ x }}</div>
  <template v-if="a > b"><span>inner</span></template>
</template>

<script>
export default { mounted() { document.body.innerHTML = location.hash; } };
</script>
<script setup lang="ts">
const q: string = new URLSearchParams(location.search).get('q') ?? '';
function show(el: HTMLElement, html: string) { el.innerHTML = '<b>' + html; }
</script>

<style>
.a::after { content: "eval(location.hash)"; }
</style>
"""

CONFIG = Config(dependencies=DependencySettings(online=False), test_paths=())


def test_blocks_and_language():
    layout = scan(COMPONENT.encode())
    assert [block.name for block in layout.blocks] == ["template", "script", "script", "style"]
    assert layout.language == "typescript"
    template = layout.template
    assert template is not None
    # The nested <template v-if> does not end the outer one.
    assert COMPONENT.encode()[template.end :].startswith(b"</template>\n\n<script>")


def test_masking_keeps_offsets_rows_and_script_text():
    source = COMPONENT.encode()
    masked = scan(source).masked
    assert len(masked) == len(source)
    assert masked.count(b"\n") == source.count(b"\n")
    for block in scan(source).scripts:
        assert masked[block.start : block.end] == source[block.start : block.end]
    assert b"template" not in masked and b"eval" not in masked and b"v-html" not in masked


def test_unanalysed_scripts_and_unclosed_blocks():
    assert scan(b'<script lang="coffee">alert 1</script>').masked.strip() == b""
    assert scan(b'<script src="./x.js"></script><script>eval(x)</script>').masked.strip() == b"eval(x)"
    assert scan(b'<script src="./x.js" /><script>run()</script>').masked.strip() == b"run()"
    # Half-typed: the script runs to the end of the buffer.
    assert scan(b"<template><p/></template>\n<script>\nconst a = ").masked.strip() == b"const a ="
    # A comment at the top level is not a block.
    assert [b.name for b in scan(b"<!-- <script>x</script> --><script>y</script>").blocks] == ["script"]


def test_script_findings_land_on_the_component_lines():
    findings = [f for f in analyze_text(COMPONENT, CONFIG, path="C.vue") if f.rule_id == "LG301"]
    lines = COMPONENT.splitlines()
    spots = sorted((f.span.start_line, lines[f.span.start_line][f.span.start_col :][:24]) for f in findings)
    assert spots == [(6, "document.body.innerHTML "), (10, "el.innerHTML = '<b>' + h")]


def test_document_language_follows_the_script_lang():
    document = Document(COMPONENT, path="C.vue")
    assert (document.host, document.language) == ("vue", "typescript")
    assert document.tree is not None and not document.tree.root_node.has_error
    start = COMPONENT.index(' lang="ts"')
    document.apply_change(utf16_range(COMPONENT, start, start + len(' lang="ts"')), "")
    assert document.language == "javascript"  # no TypeScript block any more: parsed as JavaScript
    assert document.idle_copy().host == "vue"


def _tree_text(document: Document) -> str:
    tree = document.tree
    return "" if tree is None else str(tree.root_node)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from(["", "x", "\n", "</script>", "<script>", "innerHTML = q;", '"', "<!--", "é"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_edits_equal_a_fresh_open(steps):
    document = Document(COMPONENT, path="C.vue")
    analysis = Analysis(document, CONFIG)
    for text, findings in incremental_runs(document, analysis, steps):
        fresh = Document(text, path="C.vue")
        assert document.source == fresh.source
        assert document.language == fresh.language
        assert _tree_text(document) == _tree_text(fresh)
        expected = analyze_text(text, CONFIG, path="C.vue")
        assert sorted(map(repr, findings)) == sorted(map(repr, expected))


def test_scanning_is_linear_on_hostile_text():
    import time

    from landguard.languages import vue

    for unit in (
        "<a",
        '<a "',
        "<a '",
        "<template>",
        "<template ",
        "<!--",
        "<script>",
        "</template",
        "<i v-html=",
    ):
        text = "<template>" + unit * 40_000
        started = time.process_time()
        document = Document(text, path="Hostile.vue")
        vue.html_bindings(document)
        assert time.process_time() - started < 2.0, unit
