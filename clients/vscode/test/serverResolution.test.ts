import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveServer, scriptCandidates, ServerNotFoundError, developmentCommand } from "../src/serverResolution";

const noManaged = async () => {
  throw new Error("managed environment must not be used");
};

test("landguard.path wins over the Python environment", async () => {
  const server = await resolveServer({
    pathSetting: "/opt/landguard",
    interpreter: "/proj/.venv/bin/python",
    platform: "linux",
    exists: () => true,
    managedEnvironment: noManaged,
  });
  assert.deepEqual(server, { command: "/opt/landguard", args: ["lsp"], source: "setting" });
});

test("a landguard.path that does not exist is an error naming the fix, not a silent fallback", async () => {
  await assert.rejects(
    resolveServer({
      pathSetting: "/nope/landguard",
      platform: "linux",
      exists: () => false,
      managedEnvironment: noManaged,
    }),
    (error: Error) =>
      error instanceof ServerNotFoundError && /\/nope\/landguard/.test(error.message) && /clear the setting/.test(error.message),
  );
});

test("landguard next to the selected interpreter is used", async () => {
  const server = await resolveServer({
    pathSetting: "",
    interpreter: "/proj/.venv/bin/python3",
    platform: "linux",
    exists: (file) => file === "/proj/.venv/bin/landguard",
    managedEnvironment: noManaged,
  });
  assert.deepEqual(server, { command: "/proj/.venv/bin/landguard", args: ["lsp"], source: "python-environment" });
});

test("falls back to the managed environment when the selected one lacks landguard", async () => {
  let asked = 0;
  const server = await resolveServer({
    pathSetting: "  ",
    interpreter: "/usr/bin/python3",
    platform: "linux",
    exists: () => false,
    managedEnvironment: async () => {
      asked += 1;
      return "/storage/landguard-env/bin/landguard";
    },
  });
  assert.equal(asked, 1);
  assert.equal(server.source, "managed-environment");
  assert.equal(server.command, "/storage/landguard-env/bin/landguard");
});

test("Windows scripts are looked up in the interpreter's folder and in Scripts\\", () => {
  assert.deepEqual(scriptCandidates("C:\\proj\\.venv\\Scripts\\python.exe", "win32"), [
    "C:\\proj\\.venv\\Scripts\\landguard.exe",
    "C:\\proj\\.venv\\Scripts\\Scripts\\landguard.exe",
  ]);
  assert.deepEqual(scriptCandidates("C:\\Python312\\python.exe", "win32")[1], "C:\\Python312\\Scripts\\landguard.exe");
});

test("without development variables the server runs as resolved", () => {
  const server = { command: "/proj/.venv/bin/landguard", args: ["lsp"], source: "setting" as const };
  assert.equal(developmentCommand(server, {}, "linux"), server);
});

test("LANDGUARD_SERVER_PYTHON runs the checkout's server module", () => {
  const server = { command: "/opt/landguard", args: ["lsp"], source: "setting" as const };
  const expected = { command: "/src/lg/.venv/bin/python", args: ["-m", "landguard.lsp"], source: "development" };
  assert.deepEqual(developmentCommand(server, { LANDGUARD_SERVER_PYTHON: "/src/lg/.venv/bin/python" }, "linux"), expected);
  assert.deepEqual(
    developmentCommand(undefined, { LANDGUARD_SERVER_PYTHON: "/src/lg/.venv/bin/python" }, "linux"),
    expected,
    "no installed landguard is needed",
  );
});

test("LANDGUARD_DEBUGPY_PORT runs the server under debugpy, waiting for the debugger", () => {
  const server = { command: "/proj/.venv/bin/landguard", args: ["lsp"], source: "python-environment" as const };
  assert.deepEqual(developmentCommand(server, { LANDGUARD_DEBUGPY_PORT: "5678" }, "linux"), {
    command: "/proj/.venv/bin/python",
    args: ["-m", "debugpy", "--listen", "127.0.0.1:5678", "--wait-for-client", "-m", "landguard.lsp"],
    source: "python-environment",
  });
  assert.throws(() => developmentCommand(server, { LANDGUARD_DEBUGPY_PORT: "abc" }, "linux"), ServerNotFoundError);
});
