import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import {
  BootstrapError,
  ensureManagedEnvironment,
  environmentPaths,
  findBundledWheel,
  findPython,
  isSupported,
  parseProbe,
  pythonCandidates,
  RunResult,
  Runner,
} from "../src/bootstrap";

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "landguard-bootstrap-"));
});
afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const ok = (stdout = ""): RunResult => ({ code: 0, stdout, stderr: "" });
const missing = (): RunResult => ({
  code: null,
  stdout: "",
  stderr: "",
  spawnError: Object.assign(new Error("spawn ENOENT"), { code: "ENOENT" }),
});

test("probe output and version checks", () => {
  assert.deepEqual(parseProbe("/usr/bin/python3\n3.12.1\n"), { executable: "/usr/bin/python3", version: [3, 12, 1] });
  assert.equal(parseProbe("garbage"), undefined);
  assert.equal(isSupported([3, 10, 0]), true);
  assert.equal(isSupported([3, 9, 18]), false);
  assert.equal(isSupported([4, 0, 0]), true);
});

test("the selected interpreter is tried first", () => {
  assert.deepEqual(pythonCandidates("linux", "/proj/.venv/bin/python")[0], { command: "/proj/.venv/bin/python", args: [] });
  assert.deepEqual(pythonCandidates("win32")[0], { command: "py", args: ["-3"] });
});

test("too old and missing interpreters give the fix in the message and each reason in the details", async () => {
  const run: Runner = async (command) => (command === "python3" ? ok("/usr/bin/python3\n3.8.10\n") : missing());
  await assert.rejects(findPython(pythonCandidates("linux"), run), (error: Error) => {
    assert.ok(error instanceof BootstrapError);
    assert.equal(error.message, "Python 3.10+ not found: install it (or select it in the Python extension) or set landguard.path.");
    assert.match(error.details, /python3: Python 3\.8\.10 is too old/);
    assert.match(error.details, /python: not found/);
    return true;
  });
});

test("finds this machine's real Python", async () => {
  const found = await findPython(pythonCandidates(process.platform));
  assert.ok(isSupported(found.version), found.version.join("."));
  assert.ok(fs.existsSync(found.executable));
});

test("bundled wheel lookup ignores other files", () => {
  fs.writeFileSync(path.join(work, "README.txt"), "");
  fs.writeFileSync(path.join(work, "landguard-0.1.0-py3-none-any.whl"), "");
  assert.equal(findBundledWheel(work), path.join(work, "landguard-0.1.0-py3-none-any.whl"));
  assert.equal(findBundledWheel(path.join(work, "nope")), undefined);
});

/** A runner that plays python, venv and pip by creating the files they would. */
function fakeToolchain(calls: string[][], failPip = false): Runner {
  return async (command, args) => {
    calls.push([command, ...args]);
    if (args.includes("venv")) {
      const root = args[args.length - 1];
      fs.mkdirSync(path.join(root, "bin"), { recursive: true });
      fs.writeFileSync(path.join(root, "bin", "python"), "");
      return ok();
    }
    if (args.includes("pip")) {
      if (failPip) {
        return { code: 1, stdout: "", stderr: "ERROR: Could not find a version that satisfies the requirement libcst>=1.4" };
      }
      fs.writeFileSync(path.join(path.dirname(command), "landguard"), "");
      return ok();
    }
    if (args[0] === "-c" && args[1].includes("sys.version_info")) {
      return ok("/usr/bin/python3\n3.11.7\n");
    }
    return ok("0.1.0\n");
  };
}

test("creates the environment once, then reuses it until the wheel changes", async () => {
  const wheel = path.join(work, "landguard-0.1.0-py3-none-any.whl");
  fs.writeFileSync(wheel, "first build");
  const storage = path.join(work, "storage");
  const calls: string[][] = [];
  const steps: string[] = [];
  const options = {
    storageDir: storage,
    wheel,
    python: pythonCandidates("linux"),
    platform: "linux" as const,
    run: fakeToolchain(calls),
    progress: (message: string) => steps.push(message),
  };
  const env = environmentPaths(storage, "linux");

  assert.equal(await ensureManagedEnvironment(options), env.landguard);
  assert.deepEqual(calls.map((call) => call.slice(1, 3)), [
    ["-c", calls[0][2]],
    ["-m", "venv"],
    ["-m", "pip"],
    ["-c", calls[3][2]],
  ]);
  assert.equal(calls[2][0], env.python, "pip runs inside the new environment");
  assert.ok(calls[2].includes(wheel), "pip installs the carried wheel");
  assert.equal(steps.length, 4);
  assert.ok(!fs.existsSync(env.lock), "the lock is released");

  calls.length = 0;
  assert.equal(await ensureManagedEnvironment(options), env.landguard);
  assert.equal(calls.length, 0, "an up-to-date environment is reused without running anything");

  fs.writeFileSync(wheel, "second build");
  assert.equal(await ensureManagedEnvironment(options), env.landguard);
  assert.ok(calls.some((call) => call.includes("pip")), "a new wheel is installed");
});

test("a failed install explains the fix, keeps pip's error for the output, and is retried next time", async () => {
  const wheel = path.join(work, "landguard-0.1.0-py3-none-any.whl");
  fs.writeFileSync(wheel, "build");
  const storage = path.join(work, "storage");
  const options = { storageDir: storage, wheel, python: pythonCandidates("linux"), platform: "linux" as const };
  await assert.rejects(ensureManagedEnvironment({ ...options, run: fakeToolchain([], true) }), (error: Error) => {
    assert.ok(error instanceof BootstrapError);
    assert.match(error.message, /package index/);
    assert.match(error.message, /landguard\.path/);
    assert.match(error.details, /libcst>=1\.4/);
    return true;
  });
  const env = environmentPaths(storage, "linux");
  assert.ok(!fs.existsSync(env.marker));
  assert.ok(!fs.existsSync(env.lock));
  const calls: string[][] = [];
  await ensureManagedEnvironment({ ...options, run: fakeToolchain(calls) });
  assert.ok(calls.some((call) => call.includes("pip")));
});

test("a missing wheel is reported before anything runs", async () => {
  const calls: string[][] = [];
  await assert.rejects(
    ensureManagedEnvironment({
      storageDir: work,
      wheel: path.join(work, "landguard-0.1.0-py3-none-any.whl"),
      python: pythonCandidates("linux"),
      run: fakeToolchain(calls),
    }),
    /wheel is missing/,
  );
  assert.equal(calls.length, 0);
});
