import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { documentSelector } from "../src/languages";
import {
  chooseInterpreter,
  describeDebugInfo,
  effectiveValue,
  folderSelector,
  RESTRICTED_SETTINGS,
} from "../src/workspaceFolders";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
const properties: Record<string, { scope?: string }> = manifest.contributes.configuration.properties;

test("the manifest declares limited support for untrusted workspaces, restricting what runs", () => {
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, "limited");
  assert.deepEqual([...trust.restrictedConfigurations].sort(), [...RESTRICTED_SETTINGS].sort());
  for (const key of RESTRICTED_SETTINGS) {
    assert.ok(properties[key], `${key} is a contributed setting`);
  }
  assert.ok(trust.description.length > 0);
});

test("settings the server reads per folder are resource-scoped; what starts the server is machine-overridable", () => {
  for (const key of ["select", "ignore", "severity", "exclude", "aiMarkers", "dependencies.online"]) {
    assert.equal(properties[`landguard.${key}`].scope, "resource", key);
  }
  assert.equal(properties["landguard.path"].scope, "machine-overridable");
  assert.equal(properties["landguard.interpreter"].scope, "machine-overridable");
});

test("Restricted Mode: restricted settings come from the user's settings only", () => {
  const inspected = { globalValue: "/usr/bin/landguard", workspaceValue: "./evil", workspaceFolderValue: "./worse" };
  assert.equal(effectiveValue("path", inspected, false), "/usr/bin/landguard");
  assert.equal(effectiveValue("path", inspected, true), "./worse");
  assert.equal(effectiveValue("path", { workspaceValue: "./evil" }, false), undefined);
  // Unrestricted settings keep the folder's value either way.
  assert.deepEqual(effectiveValue("select", { workspaceFolderValue: ["LG1"], globalValue: ["LG2"] }, false), ["LG1"]);
  assert.equal(effectiveValue("dependencies.pypiUrl", { workspaceValue: "http://attacker" }, false), undefined);
});

test("the interpreter: the setting, else the Python extension's selection only when trusted", () => {
  assert.equal(chooseInterpreter(" /opt/py/bin/python ", "/ws/.venv/bin/python", false), "/opt/py/bin/python");
  assert.equal(chooseInterpreter(undefined, "/ws/.venv/bin/python", true), "/ws/.venv/bin/python");
  assert.equal(chooseInterpreter("", "/ws/.venv/bin/python", false), undefined);
});

test("a folder's server gets the files under that folder only, and unsaved ones when asked", () => {
  const base = documentSelector();
  const first = folderSelector(base, "/work/a [x]", true);
  const second = folderSelector(base, "/work/b/", false);
  assert.ok(first.some((f) => f.scheme === "untitled"));
  assert.ok(!second.some((f) => f.scheme === "untitled"));
  for (const filter of [...first, ...second].filter((f) => f.scheme === "file")) {
    assert.ok(filter.pattern, "every on-disk filter is limited to a folder");
  }
  const python = second.find((f) => f.language === "python");
  assert.equal(python?.pattern, "/work/b/**");
  assert.equal(first.find((f) => f.language === "python")?.pattern, "/work/a [[]x[]]/**");
  const packageJson = second.find((f) => f.language === "json");
  assert.equal(packageJson?.pattern, "/work/b/**/package.json");
  // No folder: one server for everything.
  assert.deepEqual(folderSelector(base, undefined, true), base);
});

test("debug info names version, interpreter, configuration and rules per folder", () => {
  const text = describeDebugInfo("0.1.0", [
    {
      folder: "/work/a",
      command: "/usr/bin/landguard lsp",
      source: "python-environment",
      trusted: false,
      server: {
        version: "0.1.0",
        python: "/usr/bin/python3",
        pythonVersion: "3.11.7",
        configSource: "/work/a/landguard.toml",
        rulesEnabled: ["LG101", "LG102"],
        rulesDisabled: ["LG203"],
        pullDiagnostics: true,
      },
    },
    { folder: "/work/b", trusted: true, error: "not running" },
  ]);
  assert.match(text, /Folder: \/work\/a \(Restricted Mode\)/);
  assert.match(text, /Server version: 0\.1\.0/);
  assert.match(text, /Interpreter: \/usr\/bin\/python3 \(Python 3\.11\.7\)/);
  assert.match(text, /Configuration: \/work\/a\/landguard\.toml/);
  assert.match(text, /Rules enabled: 2 of 3/);
  assert.match(text, /Rules disabled: LG203/);
  assert.match(text, /from the python environment/);
  assert.match(text, /Folder: \/work\/b\n {2}Server: not running/);
});
