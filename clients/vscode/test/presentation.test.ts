import assert from "node:assert/strict";
import { test } from "node:test";
import { describeScanResult, statusView } from "../src/presentation";

test("the status bar shows the active file's finding count with a breakdown", () => {
  const view = statusView({ error: 2, warning: 1, information: 0, hint: 1 }, "running");
  assert.equal(view.text, "$(shield) 4");
  assert.equal(view.tooltip, "Landguard: 2 errors, 1 warning, 1 note in this file");
});

test("the status bar says when a file is clean, or when the server is not running", () => {
  assert.equal(statusView({ error: 0, warning: 0, information: 0, hint: 0 }, "running").text, "$(shield) 0");
  assert.match(statusView(undefined, "stopped").tooltip, /not running/);
  assert.match(statusView(undefined, "starting").text, /loading/);
});

test("scan results are described whatever summary shape the server returns", () => {
  assert.equal(describeScanResult({ files: 12, findings: 1 }), "Landguard scanned 12 files: 1 finding.");
  assert.equal(describeScanResult({ filesScanned: 1, findings: [] }), "Landguard scanned 1 file: no findings.");
  assert.equal(describeScanResult({ findings: 3 }), "Landguard workspace scan: 3 findings.");
  assert.equal(describeScanResult(null), "Landguard workspace scan finished: see the Problems view.");
  assert.equal(describeScanResult("42 files checked"), "Landguard: 42 files checked");
});
