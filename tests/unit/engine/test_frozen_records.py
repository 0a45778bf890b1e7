"""``fast_init``: the same instances as the dataclass's own ``__init__``, still frozen."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from landguard.dataflow import ir, values
from landguard.engine import findings
from landguard.frozen_records import fast_init


def _stores_through_slots(cls: type) -> bool:
    """Whether ``cls.__init__`` is ``fast_init``'s (it calls the slots' setters ``_set0``, ``_set1``
    ...), not the dataclass's own (``object.__setattr__`` per field)."""
    code = cls.__init__.__code__
    return code.co_filename == "<string>" and "_set0" in code.co_names


RECORDS = [
    cls
    for module in (ir, values, findings)
    for cls in vars(module).values()
    if inspect.isclass(cls) and cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls)
    and _stores_through_slots(cls)
]  # fmt: skip


def _reference(cls: type) -> type:
    """The same fields with the dataclass's own generated ``__init__``."""
    return dataclasses.make_dataclass(
        cls.__name__,
        [
            (f.name, object, dataclasses.field(default=f.default, default_factory=f.default_factory))
            for f in dataclasses.fields(cls)
        ],
        frozen=True,
        slots=True,
    )


def test_the_hot_records_use_it() -> None:
    names = {cls.__name__ for cls in RECORDS}
    assert {"Call", "Attr", "Name", "Lit", "Assign", "Label", "Value", "Span", "Finding", "Fix"} <= names


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_same_fields_as_the_dataclass_init(cls: type) -> None:
    fields = dataclasses.fields(cls)
    reference = _reference(cls)
    required = [
        f for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    # Required fields only: the defaults and default factories fill the rest.
    given = {f.name: object() for f in required}
    made, expected = cls(**given), reference(**given)
    for f in fields:
        assert getattr(made, f.name) == getattr(expected, f.name), f.name
    # Every field given, positionally and by keyword.
    every = [object() for _ in fields]
    by_position = cls(*every)
    by_keyword = cls(**{f.name: value for f, value in zip(fields, every, strict=True)})
    for f, value in zip(fields, every, strict=True):
        assert getattr(by_position, f.name) is value
        assert getattr(by_keyword, f.name) is value
    assert (
        inspect.signature(cls.__init__).parameters.keys()
        == inspect.signature(reference.__init__).parameters.keys()
    )
    with pytest.raises(TypeError):
        cls(*every, object())
    if fields:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(by_position, fields[0].name, None)


def test_default_factories_make_a_fresh_value_each_time() -> None:
    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Holder:
        items: list = dataclasses.field(default_factory=list)
        name: str = "x"

    assert _stores_through_slots(Holder)
    first, second = Holder(), Holder()
    assert first.items == [] and first.items is not second.items and first.name == "x"
    assert Holder([1], "y") == Holder(items=[1], name="y")


def test_equality_hash_replace_and_pickling_are_the_dataclass_ones() -> None:
    assert all(_stores_through_slots(cls) for cls in (findings.Span, values.Label, findings.Finding))
    span = findings.Span(1, 2, 3, 4)
    assert span == findings.Span(1, 2, 3, 4) and hash(span) == hash(findings.Span(1, 2, 3, 4))
    assert dataclasses.replace(span, end_col=9) == findings.Span(1, 2, 3, 9)
    assert pickle.loads(pickle.dumps(span)) == span
    label = values.Label("flask.request.args", values.REQUEST)
    assert pickle.loads(pickle.dumps(label)) == label
    finding = findings.Finding("LG101", span, "m", findings.Severity.ERROR, findings.Confidence.HIGH)
    assert pickle.loads(pickle.dumps(finding)) == finding  # workers send findings to the parent


@pytest.mark.parametrize(
    "make",
    [
        lambda: dataclasses.dataclass(frozen=True)(type("NoSlots", (), {"__annotations__": {"a": int}})),
        lambda: dataclasses.dataclass(slots=True)(type("NotFrozen", (), {"__annotations__": {"a": int}})),
    ],
)
def test_refuses_what_it_cannot_keep_the_same(make) -> None:
    with pytest.raises(TypeError):
        fast_init(make())


def test_refuses_keyword_only_and_init_false_fields() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Hidden:
        a: int
        b: int = dataclasses.field(default=0, init=False)

    for cls in (KeywordOnly, Hidden):
        with pytest.raises(TypeError):
            fast_init(cls)
