"""``languages/questions.Questions``: what the Java and JavaScript rules ask of a unit instead of
writing tree-sitter queries (issue #9), answered in source order, compiled once per language."""

import pytest

from landguard.engine.document import Document
from landguard.languages import java_syntax, javascript_syntax
from landguard.languages import questions as questions_module
from landguard.languages.questions import Question, Questions

JAVA = """
class A {
    void run(Cookie c, HttpServletResponse response) {
        javax.servlet.http.Cookie first = new javax.servlet.http.Cookie("a", "b");
        Cookie second = new Cookie("c", "d");
        c.setSecure(true);
        setSecure(false);
        double r = Math.random();
        double s = random();
        if (r == s) { response.addCookie(second); }
    }
}
"""


def _answers(questions: Questions, text: str, path: str) -> list[tuple[str, str, str | None]]:
    document = Document(text, path=path)
    return [
        (question, document.node_text(node), None if name is None else document.node_text(name))
        for question, node, name in questions.ask(document.tree.root_node, document)
    ]


def test_java_questions_answer_in_source_order_with_their_names():
    asked = Questions(
        cookie=java_syntax.creations(type_matching="^(javax[.]servlet[.]http[.])?Cookie$"),
        flag=java_syntax.method_calls(("setSecure", "addCookie"), with_receiver=True),
        math=java_syntax.method_calls(("random",), receiver_named=("Math",)),
        compare=java_syntax.equality_tests(),
    )
    assert _answers(asked, JAVA, "A.java") == [
        ("cookie", 'new javax.servlet.http.Cookie("a", "b")', "javax.servlet.http.Cookie"),
        ("cookie", 'new Cookie("c", "d")', "Cookie"),
        ("flag", "c.setSecure(true)", "setSecure"),  # not the bare setSecure(false): no receiver
        ("math", "Math.random()", "random"),  # not the bare random()
        ("compare", "r == s", None),
        ("flag", "response.addCookie(second)", "addCookie"),
    ]


def test_java_class_methods_and_plain_type_creations():
    text = """
class Trusting implements X509TrustManager {
    public void checkServerTrusted(X509Certificate[] chain, String type) {}
    void make() { Object a = new Trusting(); Object b = new java.util.ArrayList<String>(); }
}
"""
    asked = Questions(
        method=java_syntax.class_methods(("checkServerTrusted",)),
        plain=java_syntax.creations(simple_type_only=True),
    )
    answers = _answers(asked, text, "Trusting.java")
    assert [(q, name) for q, _node, name in answers] == [("method", "Trusting"), ("plain", "Trusting")]


def test_javascript_questions_follow_the_grammar_of_each_language():
    text = """
const a = require("left-pad");
const b = load("not-a-package");
import type { T } from "types-only";
import x = require("ts-package");
el.innerHTML = html;
const options = { rejectUnauthorized: false, "shell": true };
"""
    asked = Questions(
        imported=javascript_syntax.imported_specifiers(),
        assigned=javascript_syntax.property_assignments(("innerHTML",)),
        entry=javascript_syntax.object_entries(("rejectUnauthorized", "shell")),
        jsx=javascript_syntax.jsx_attributes(("dangerouslySetInnerHTML",)),  # no JSX in .ts: not asked
    )
    assert _answers(asked, text, "a.ts") == [
        ("imported", "left-pad", "require"),
        ("imported", "types-only", None),
        ("imported", "ts-package", None),  # TypeScript's import = require
        ("assigned", "el.innerHTML = html", "innerHTML"),
        ("entry", "rejectUnauthorized: false", "rejectUnauthorized"),
        ("entry", '"shell": true', "shell"),
    ]
    jsx = """const view = <div dangerouslySetInnerHTML={{ __html: html }} />;"""
    assert [q for q, _n, _name in _answers(asked, jsx, "view.jsx")] == ["jsx"]


def test_a_questions_query_is_compiled_once_per_language(monkeypatch):
    compiled = []
    real_query = questions_module.query

    def counting_query(language, source):
        compiled.append(language)
        return real_query(language, source)

    monkeypatch.setattr(questions_module, "query", counting_query)
    asked = Questions(call=javascript_syntax.calls(("exec",)))
    for path in ("a.js", "b.js", "c.ts", "d.ts"):
        assert _answers(asked, "cp.exec(cmd); exec(cmd);", path) == [
            ("call", "cp.exec(cmd)", "exec"),
            ("call", "exec(cmd)", "exec"),
        ]
    assert compiled == ["javascript", "typescript"]


def test_a_question_string_is_one_pattern():
    asked = Questions(two=Question.of("(method_invocation) @answer (object_creation_expression) @answer"))
    document = Document("class A {}", path="A.java")
    with pytest.raises(ValueError, match="one pattern"):
        list(asked.ask(document.tree.root_node, document))
