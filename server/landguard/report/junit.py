"""JUnit XML, the test-report format every CI shows: one test suite per file, one failing test
case per finding (Ruff's layout), and one passing case when nothing was found.

``<testsuites name="landguard" tests failures errors="0">`` > ``<testsuite name=PATH>`` >
``<testcase name="org.landguard.LG201" classname=PATH line col><failure message type>``.
Text goes through ``xml.etree`` so any message is escaped; characters XML cannot hold at all
(control characters) are replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - writing XML, never parsing it
from typing import TextIO

from landguard.batch import BatchResult

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def to_element(result: BatchResult) -> ET.Element:
    total = sum(len(f.findings) for f in result.files)
    suites = ET.Element(
        "testsuites", name="landguard", tests=str(max(total, 1)), failures=str(total), errors="0"
    )
    if total == 0:
        suite = ET.SubElement(suites, "testsuite", name="landguard", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname="landguard")
        return suites
    for file_result in result.files:
        if not file_result.findings:
            continue
        count = str(len(file_result.findings))
        path = _clean(file_result.path)
        suite = ET.SubElement(suites, "testsuite", name=path, tests=count, failures=count, errors="0")
        for finding in file_result.findings:
            line, column = finding.span.start_line + 1, finding.span.start_col + 1
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"org.landguard.{finding.rule_id}",
                classname=path,
                line=str(line),
                column=str(column),
            )
            failure = ET.SubElement(
                case, "failure", message=_clean(finding.display_message), type=finding.severity.label
            )
            failure.text = _clean(f"line {line}, col {column}, {finding.display_message}")
    return suites


def render(result: BatchResult, out: TextIO) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree = ET.ElementTree(to_element(result))
    ET.indent(tree)
    tree.write(out, encoding="unicode")
    out.write("\n")
