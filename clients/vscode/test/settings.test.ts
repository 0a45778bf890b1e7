import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { expandPath, LAUNCH_SETTING_KEYS, needsRestart, SERVER_SETTING_KEYS, serverSettings } from "../src/settings";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
const contributed: Record<string, { default?: unknown }> = manifest.contributes.configuration.properties;

function reader(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

test("only settings the user set are sent, nested the way the server reads them", () => {
  const options = serverSettings(
    reader({
      select: ["lg1", " LG201 "],
      severity: { LG101: "error" },
      "dependencies.online": false,
      "dependencies.pypiUrl": "http://127.0.0.1:8080/pypi/",
      aiMarkers: ["@generated-by-copilot"],
    }),
  );
  assert.deepEqual(options, {
    select: ["LG1", "LG201"],
    severity: { LG101: "error" },
    aiMarkers: ["@generated-by-copilot"],
    dependencies: { online: false, pypiUrl: "http://127.0.0.1:8080/pypi" },
  });
});

test("nothing set sends an empty object, so the project file decides", () => {
  assert.deepEqual(serverSettings(reader({})), {});
});

test("false and empty lists the user chose are still sent", () => {
  assert.deepEqual(serverSettings(reader({ ignore: [], "dependencies.online": false })), {
    ignore: [],
    dependencies: { online: false },
  });
});

test("every server setting is contributed in package.json, and nothing server-side has a default", () => {
  for (const key of SERVER_SETTING_KEYS) {
    const property = contributed[`landguard.${key}`];
    assert.ok(property, `landguard.${key} is not contributed`);
    // A default would look like a user choice in the settings UI while the project file decides.
    assert.equal(property.default, undefined, `landguard.${key} must not declare a default`);
  }
  for (const key of [...LAUNCH_SETTING_KEYS, "trace.server"]) {
    assert.ok(contributed[`landguard.${key}`], `landguard.${key} is not contributed`);
  }
});

test("changes to launch and server settings restart the server; trace and others do not", () => {
  const changed = (sections: string[]) => needsRestart((section) => sections.includes(section));
  assert.equal(changed(["landguard.path"]), true);
  assert.equal(changed(["landguard.enable"]), true);
  assert.equal(changed(["landguard.dependencies.osvUrl"]), true);
  assert.equal(changed(["landguard.severity"]), true);
  assert.equal(changed(["landguard.trace.server"]), false);
  assert.equal(changed(["editor.fontSize"]), false);
});

test("landguard.path expands ~, ${userHome} and ${workspaceFolder}", () => {
  const env = { home: "/home/ada", workspaceFolder: "/src/app" };
  assert.equal(expandPath("~/bin/landguard", env), "/home/ada/bin/landguard");
  assert.equal(expandPath("${userHome}/x", env), "/home/ada/x");
  assert.equal(expandPath(" ${workspaceFolder}/.venv/bin/landguard ", env), "/src/app/.venv/bin/landguard");
  assert.equal(expandPath("/opt/~x", env), "/opt/~x");
});
