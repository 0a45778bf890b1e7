"""One offline verdict per package name, shared by LG501, LG502 and LG505 so a name gets one finding.

Order of precedence: a curated confusable (LG505) > a name from the other ecosystem (LG505) >
a name the registry does not have (LG501, with did-you-mean suggestions) > an existing,
little-used look-alike of a popular name (LG502). A name among the 15,000 most downloaded of
its registry is never reported as missing or as a look-alike.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from landguard.checks.deps.confusables import NPM_CONFUSABLES, PYPI_CONFUSABLES
from landguard.checks.deps.snapshot import NPM, PYPI, normalize, normalize_pypi, snapshot
from landguard.checks.deps.typosquat import EXISTING_TARGET_RANK, typosquat_candidates
from landguard.engine.findings import Confidence, Fix, Severity, Span, TextEdit

MISSING = "LG501"
LOOKALIKE = "LG502"
CONFUSABLE = "LG505"
OFFLINE_SOURCE = "offline snapshot"
# A name this popular in the other ecosystem, and not popular in its own, was probably meant for the other.
OTHER_ECOSYSTEM_RANK = 3000
MAX_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Verdict:
    rule_id: str
    message: str
    confidence: Confidence
    suggestions: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    severity: Severity | None = None  # None: the rule's

    def fixes(self, span: Span) -> list[Fix]:
        return [
            Fix(f"Replace with `{name}`", (TextEdit(span, name),), preferred=index == 0, unsafe=True)
            for index, name in enumerate(self.suggestions)
        ]


def _label(ecosystem: str) -> str:
    return "PyPI" if ecosystem == PYPI else "npm"


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    if not suggestions:
        return ""
    return "; did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?"


def existing_lookalikes(registry, name: str) -> list:
    """Look-alike targets for a name that exists: stricter than for a missing one, since most little-used
    packages are legitimate. Short targets need a swap or doubled letter (``wand``/``ward`` are both fine),
    and dropping an affix (``repl`` vs ``pyrepl``) is a naming habit, not an imitation."""
    found = []
    for candidate in typosquat_candidates(registry, name, max_rank=EXISTING_TARGET_RANK):
        if candidate.distance > 1 or candidate.reason.startswith("drops"):
            continue
        strong_typo = candidate.reason in ("has two letters swapped", "has a doubled letter")
        if candidate.distance == 1 and len(candidate.target) < 6 and not strong_typo:
            continue
        found.append(candidate)
    return found


@functools.lru_cache(maxsize=4096)
def offline_verdict(name: str, ecosystem: str, custom_index: bool = False) -> Verdict | None:
    """What the offline snapshot says about ``name`` on ``ecosystem`` (None: nothing to report)."""
    if not name or len(name) > 214:
        return None
    registry = snapshot(ecosystem)
    normalized = normalize(ecosystem, name)
    props = {
        "source": OFFLINE_SOURCE,
        "ecosystem": ecosystem,
        "package": name,
        "snapshot_date": registry.date,
    }

    confusables = PYPI_CONFUSABLES if ecosystem == PYPI else NPM_CONFUSABLES
    confusable = confusables.get(normalized)
    if confusable is not None:
        suggestions = (confusable.intended,) if confusable.intended else ()
        instead = f"; use `{confusable.intended}`" if confusable.intended else "; remove it"
        props["kind"] = "placeholder"
        return Verdict(
            CONFUSABLE,
            f"`{name}` {confusable.why}{instead}",
            Confidence.HIGH,
            suggestions,
            tuple(sorted(props.items())),
        )

    if registry.is_popular(name):
        return None

    other_ecosystem = NPM if ecosystem == PYPI else PYPI
    other = snapshot(other_ecosystem)
    other_name = normalize_pypi(name) if other_ecosystem == PYPI else name.lower()
    other_rank = other.rank_of(other_name)
    exists = registry.exists(name)
    if other_rank is not None and other_rank <= OTHER_ECOSYSTEM_RANK and not exists:
        # Only when the name is absent here: many names are real (and different) packages on both registries.
        where = "does not exist" if registry.complete else "is not a package with any real use"
        props["kind"] = "other-ecosystem"
        props["other_ecosystem"] = other_ecosystem
        return Verdict(
            CONFUSABLE,
            f"`{name}` is a popular {_label(other_ecosystem)} package, but this manifest installs from "
            f"{_label(ecosystem)}, where it {where} ({OFFLINE_SOURCE})",
            Confidence.MEDIUM,
            (),
            tuple(sorted(props.items())),
        )

    if not exists:
        if custom_index:
            return None  # may live on the private index the manifest names
        suggestions = tuple(c.target for c in typosquat_candidates(registry, name))[:MAX_SUGGESTIONS]
        if ecosystem == NPM and not registry.scope_known(name) and not suggestions:
            return None  # a scope nobody publishes under publicly (and no typo of one): a private package
        if registry.complete:
            where = f"does not exist on PyPI ({OFFLINE_SOURCE} of {registry.date})"
            confidence = Confidence.MEDIUM
            severity = None
        else:
            where = (
                f"is not among the npm packages with at least {registry.min_monthly_downloads} downloads a "
                f"month ({OFFLINE_SOURCE} of {registry.date}); it may not exist"
            )
            # A typo of a popular name is likely free or squatted; any other little-used name may be real.
            confidence = Confidence.MEDIUM if suggestions else Confidence.LOW
            severity = None if suggestions else Severity.WARNING
        return Verdict(
            MISSING,
            f"`{name}` {where}{_did_you_mean(suggestions)}",
            confidence,
            suggestions,
            tuple(sorted(props.items())),
            severity,
        )

    candidates = existing_lookalikes(registry, name)
    if not candidates:
        return None
    best = candidates[0]
    suggestions = tuple(c.target for c in candidates)[:MAX_SUGGESTIONS]
    props["kind"] = "lookalike"
    props["lookalike_of"] = best.target
    affix_only = best.reason.startswith(("adds", "drops"))
    return Verdict(
        LOOKALIKE,
        f"`{name}` looks like the popular `{best.target}` (it {best.reason}), but is a little-used "
        f"{_label(ecosystem)} package{_did_you_mean(suggestions)}",
        Confidence.LOW if affix_only else Confidence.MEDIUM,
        suggestions,
        tuple(sorted(props.items())),
    )


def import_typo_verdict(name: str, ecosystem: str) -> Verdict | None:
    """The verdict for a package named by an import, when it is a typo of a popular package.

    Imports are not manifests: a name missing from the registry is usually a first-party or
    private module, so only a name that is missing *and* close to a popular one (LG501 with a
    suggestion) or an existing look-alike (LG502) counts. Placeholders (LG505) are about
    manifests: ``import fs from "fs"`` is right.
    """
    verdict = offline_verdict(name, ecosystem)
    if verdict is None or verdict.rule_id == CONFUSABLE:
        return None
    if verdict.rule_id == MISSING and not verdict.suggestions:
        return None
    return verdict
