import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { AI_FILE_PATTERNS, documentSelector, LANGUAGE_IDS } from "../src/languages";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));

test("the extension activates for every language it checks, json included", () => {
  const activated = (manifest.activationEvents as string[])
    .filter((event) => event.startsWith("onLanguage:"))
    .map((event) => event.slice("onLanguage:".length))
    .sort();
  assert.deepEqual(activated, [...LANGUAGE_IDS, "json"].sort());
});

test("the selector covers each language on disk and unsaved, and JSON only as package.json", () => {
  const selector = documentSelector();
  for (const language of LANGUAGE_IDS) {
    assert.ok(selector.some((f) => f.scheme === "file" && f.language === language && !f.pattern), language);
    assert.ok(selector.some((f) => f.scheme === "untitled" && f.language === language), language);
  }
  const json = selector.filter((f) => f.language === "json");
  assert.deepEqual(json, [{ scheme: "file", language: "json", pattern: "**/package.json" }]);
});

test("plain-text manifests and .env files are matched by pattern", () => {
  const patterns = documentSelector()
    .filter((f) => f.pattern && !f.language)
    .map((f) => f.pattern);
  for (const expected of ["**/requirements*.txt", "**/.env", "**/pyproject.toml", "**/Dockerfile"]) {
    assert.ok(patterns.includes(expected), expected);
  }
});

test("AI assistants' files are attached by name, whatever language VS Code gives them", () => {
  const patterns = documentSelector()
    .filter((f) => f.pattern && !f.language)
    .map((f) => f.pattern);
  const expected = [
    "**/.cursorrules", "**/.windsurfrules", "**/.clinerules", "**/*.mdc", "**/AGENTS.md", "**/CLAUDE.md",
    "**/GEMINI.md", "**/copilot-instructions.md", "**/mcp.json", "**/.mcp.json", "**/claude_desktop_config.json",
    "**/mcp_config.json", "**/.cursorignore", "**/.aiexclude", "**/.codeiumignore", "**/.aiderignore",
    "**/.continueignore", "**/.geminiignore",
  ];
  for (const pattern of expected) {
    assert.ok(patterns.includes(pattern), pattern);
  }
  // Markdown (README, docs, AGENTS.md) is a language of its own, on disk and unsaved.
  const selector = documentSelector();
  assert.ok(selector.some((f) => f.scheme === "file" && f.language === "markdown"));
  assert.ok(selector.some((f) => f.scheme === "untitled" && f.language === "markdown"));
});

test("a workspace holding only AI files still activates the extension", () => {
  const events = manifest.activationEvents as string[];
  for (const pattern of AI_FILE_PATTERNS) {
    assert.ok(events.includes(`workspaceContains:${pattern}`), pattern);
  }
});

test("Vue components and Django/Jinja templates are attached by language and by pattern", () => {
  for (const language of ["vue", "django-html", "jinja-html", "jinja"]) {
    assert.ok(LANGUAGE_IDS.includes(language), language);
  }
  const patterns = documentSelector()
    .filter((f) => f.pattern && !f.language)
    .map((f) => f.pattern);
  for (const pattern of ["**/*.vue", "**/*.jinja", "**/*.j2", "**/*.djhtml", "**/templates/**/*.html"]) {
    assert.ok(patterns.includes(pattern), pattern);
  }
});
