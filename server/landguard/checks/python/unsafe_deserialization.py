"""Unsafe deserialization: pickle-family loaders, `yaml.load` without a safe loader, `torch.load`.

## What it does
Flags deserializers that can run code while loading: `pickle`/`cPickle`/`_pickle`/`dill`/`cloudpickle`
`load(s)` and `Unpickler`, `shelve.open`, `marshal.load(s)`, `jsonpickle.decode`, `joblib.load`,
`pandas.read_pickle`, `numpy.load(..., allow_pickle=True)`, `yaml.load`/`load_all` without
`SafeLoader`/`CSafeLoader`, `yaml.unsafe_load`, and `torch.load` without `weights_only=True`.
Data from a web request raises the confidence.

## Why is this bad?
A pickle is a program: loading one calls whatever callables it names, so loading untrusted bytes
is remote code execution. `yaml.load` with the full or unsafe loader constructs arbitrary Python
objects the same way, and `torch.load` unpickles the checkpoint unless told to load only weights.

## Example
```python
session = pickle.loads(base64.b64decode(request.cookies["session"]))
config = yaml.load(stream)
model.load_state_dict(torch.load(path))
```

## Use instead
```python
session = json.loads(signed_cookie_value)
config = yaml.safe_load(stream)
model.load_state_dict(torch.load(path, weights_only=True))
```
The quick fixes rewrite `yaml.load(...)` to `yaml.safe_load(...)` and add `weights_only=True`
to `torch.load`. Pickle has no safe mode: use JSON, or sign the data (HMAC) and verify it first.

## References
- [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
- Bandit B301, B506, B614; Ruff S301, S506, S614
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, call_with_keyword
from landguard.languages import python_syntax as syntax

if TYPE_CHECKING:
    import libcst as cst

RULE = Rule(
    id="LG204",
    name="unsafe-deserialization",
    title="Deserialization that can execute code",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(502,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B301", "S301", "B506", "S506", "B614", "S614", "B302", "S302"),
)

_PICKLE_MODULES = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
_ALWAYS_UNSAFE = frozenset(
    {f"{m}.{f}" for m in _PICKLE_MODULES for f in ("load", "loads", "Unpickler")}
    | {
        "marshal.load",
        "marshal.loads",
        "shelve.open",
        "jsonpickle.decode",
        "jsonpickle.loads",
        "joblib.load",
        "pandas.read_pickle",
        "yaml.unsafe_load",
        "yaml.unsafe_load_all",
    }
)
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_CALLEES = frozenset(
    {
        "load",
        "loads",
        "Unpickler",
        "open",
        "decode",
        "read_pickle",
        "unsafe_load",
        "unsafe_load_all",
        "load_all",
    }
)


class UnsafeDeserializationCheck(CallRule):
    rule = RULE
    callee_names = _CALLEES

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        fixes: list[Fix] = []
        if name in _ALWAYS_UNSAFE:
            message = f"`{name}` can execute code while loading untrusted data; use JSON or verify a signature first"
        elif name in ("yaml.load", "yaml.load_all"):
            loader = syntax.keyword_arg(call, "Loader") or syntax.argument(call, 1)
            if loader is not None and _loader_name(loader) in _SAFE_YAML_LOADERS:
                return
            message = (
                f"`{name}` without a safe Loader constructs arbitrary Python objects; use yaml.safe_load"
            )
            fix = _yaml_fix(call, document, name)
            if fix is not None:
                fixes.append(fix)
        elif name == "torch.load":
            if syntax.is_true(syntax.keyword_arg(call, "weights_only")):
                return
            message = "`torch.load` unpickles the file and can run code; pass weights_only=True"
            fix = _torch_fix(call, document)
            if fix is not None:
                fixes.append(fix)
        elif name == "numpy.load":
            if not syntax.is_true(syntax.keyword_arg(call, "allow_pickle")):
                return
            message = "`numpy.load(allow_pickle=True)` unpickles object arrays and can run code"
        else:
            return
        source = syntax.argument(call, 0)
        if syntax.is_call(source) and syntax.callee_attribute(source) in ("dumps", "dump"):
            return  # loads(dumps(x)): a round trip of our own data (copying, tests)
        flow = self.flow_for(call, unit, context)
        taint = (
            py.taint(source, flow, py.scope_imports(call, document, context)) if source else py.Taint.UNKNOWN
        )
        confidence = Confidence.HIGH if taint == py.Taint.REQUEST else RULE.confidence
        yield RULE.finding(document.node_span(call), message, confidence=confidence, fixes=fixes)


def _loader_name(node: Node) -> str:
    return syntax.text(node).rsplit(".", 1)[-1]


def _yaml_fix(call: Node, document: Document, name: str) -> Fix | None:
    import libcst as cst

    function = syntax.callee(call)
    if function is None or syntax.has_star_args(call) or len(syntax.positional_args(call)) != 1:
        return None
    editor = StatementEditor.for_node(document, call)
    if editor is None:
        return None
    target = editor.locate(call, cst.Call)
    if target is None:
        return None
    safe = "safe_load_all" if name.endswith("load_all") else "safe_load"
    func = target.func
    if isinstance(func, cst.Attribute):
        new_func: cst.BaseExpression = func.with_changes(attr=cst.Name(safe))
    else:
        return None  # `from yaml import load`: renaming needs an import change; no fix
    args = [a for a in target.args if a.keyword is None or a.keyword.value != "Loader"]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    editor.replace(target, target.with_changes(func=new_func, args=args))
    edit = editor.text_edit()
    return Fix(f"Use yaml.{safe}", edits=(edit,), preferred=True) if edit else None


def _torch_fix(call: Node, document: Document) -> Fix | None:
    import libcst as cst

    if syntax.has_star_args(call):
        return None
    editor = StatementEditor.for_node(document, call)
    if editor is None:
        return None
    target = editor.locate(call, cst.Call)
    if target is None:
        return None
    editor.replace(target, call_with_keyword(target, "weights_only", cst.Name("True")))
    edit = editor.text_edit()
    return Fix("Load weights only (weights_only=True)", edits=(edit,), preferred=True) if edit else None


CHECK = UnsafeDeserializationCheck()
