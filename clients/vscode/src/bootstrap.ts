/**
 * The managed environment: a virtual environment in the extension's global storage with the
 * landguard wheel the extension carries installed into it (its dependencies — libcst, tree-sitter
 * — are native, so they come from the package index for this machine's platform).
 *
 * Reused while it holds the same wheel (a marker file records the wheel's name and SHA-256);
 * rebuilt when the extension brings a new one. No 'vscode' import: this runs under plain Node in
 * the tests and from `bootstrapCli.ts`.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const MIN_PYTHON: readonly [number, number] = [3, 10];
const ENV_DIR = "landguard-env";
const MARKER = "landguard-wheel.txt";
const HEALTH_CHECK = "import landguard, landguard.cli; print(landguard.__version__)";

/** A failure the user can act on: the message names the cause and the fix. */
export class BootstrapError extends Error {
  constructor(
    message: string,
    readonly details = "",
  ) {
    super(message);
    this.name = "BootstrapError";
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
}

export type Runner = (command: string, args: string[], timeoutMs: number) => Promise<RunResult>;

/** Runs a program without a shell, collecting its output. Never rejects. */
export const runProcess: Runner = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (result: RunResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    let child;
    try {
      child = spawn(command, args, { shell: false, windowsHide: true, timeout: timeoutMs });
    } catch (error) {
      finish({ code: null, stdout, stderr, spawnError: error as NodeJS.ErrnoException });
      return;
    }
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => finish({ code: null, stdout, stderr, spawnError: error }));
    child.on("close", (code) => finish({ code, stdout, stderr }));
  });

export interface PythonCandidate {
  command: string;
  args: string[];
}

export interface FoundPython {
  executable: string;
  version: [number, number, number];
}

/** Interpreters to try for the managed environment, the user's selected one first. */
export function pythonCandidates(platform: NodeJS.Platform, selected?: string): PythonCandidate[] {
  const candidates: PythonCandidate[] = [];
  if (selected) {
    candidates.push({ command: selected, args: [] });
  }
  if (platform === "win32") {
    candidates.push({ command: "py", args: ["-3"] }, { command: "python", args: [] });
  } else {
    candidates.push({ command: "python3", args: [] }, { command: "python", args: [] });
  }
  return candidates;
}

const PROBE = "import sys, venv; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])";

/** Parses the probe's output: the interpreter's path, then its version. */
export function parseProbe(stdout: string): FoundPython | undefined {
  const lines = stdout.trim().split(/\r?\n/);
  if (lines.length < 2) {
    return undefined;
  }
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(lines[lines.length - 1].trim());
  if (!match) {
    return undefined;
  }
  return {
    executable: lines[lines.length - 2].trim(),
    version: [Number(match[1]), Number(match[2]), Number(match[3])],
  };
}

export function isSupported(version: readonly number[]): boolean {
  return version[0] > MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] >= MIN_PYTHON[1]);
}

/** The first candidate that runs, is Python 3.10+ and has the venv module. */
export async function findPython(candidates: PythonCandidate[], run: Runner = runProcess): Promise<FoundPython> {
  const rejected: string[] = [];
  for (const candidate of candidates) {
    const result = await run(candidate.command, [...candidate.args, "-c", PROBE], 30_000);
    const label = [candidate.command, ...candidate.args].join(" ");
    if (result.spawnError) {
      rejected.push(`${label}: not found`);
      continue;
    }
    const found = result.code === 0 ? parseProbe(result.stdout) : undefined;
    if (!found) {
      rejected.push(`${label}: ${lastLines(result.stderr, 1) || "did not run"}`);
      continue;
    }
    if (!isSupported(found.version)) {
      rejected.push(`${label}: Python ${found.version.join(".")} is too old`);
      continue;
    }
    return found;
  }
  throw new BootstrapError(
    `Python ${MIN_PYTHON.join(".")}+ not found: install it (or select it in the Python extension) or set landguard.path.`,
    rejected.join("\n"),
  );
}

export function environmentPaths(storageDir: string, platform: NodeJS.Platform) {
  const root = path.join(storageDir, ENV_DIR);
  const bin = platform === "win32" ? path.join(root, "Scripts") : path.join(root, "bin");
  const exe = platform === "win32" ? ".exe" : "";
  return {
    root,
    python: path.join(bin, `python${exe}`),
    landguard: path.join(bin, `landguard${exe}`),
    marker: path.join(root, MARKER),
    lock: `${root}.lock`,
  };
}

/** The landguard wheel in a folder (the extension's `bundled/`), newest name last wins. */
export function findBundledWheel(folder: string): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return undefined;
  }
  const wheels = names.filter((name) => /^landguard-[^-]+-.*\.whl$/.test(name)).sort();
  return wheels.length ? path.join(folder, wheels[wheels.length - 1]) : undefined;
}

export function wheelFingerprint(wheel: string): string {
  const digest = createHash("sha256").update(fs.readFileSync(wheel)).digest("hex");
  return `${path.basename(wheel)} ${digest}\n`;
}

export interface BootstrapOptions {
  storageDir: string;
  wheel: string;
  python: PythonCandidate[];
  platform?: NodeJS.Platform;
  run?: Runner;
  /** Short human-readable steps, for a progress notification. */
  progress?: (message: string) => void;
  /** Full output of each step, for the output channel. */
  log?: (line: string) => void;
  /** How long to wait for another window that is building the same environment. */
  lockTimeoutMs?: number;
}

/** Creates or reuses the managed environment; returns the path of its `landguard` executable. */
export async function ensureManagedEnvironment(options: BootstrapOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runProcess;
  const progress = options.progress ?? (() => undefined);
  const log = options.log ?? (() => undefined);
  const env = environmentPaths(options.storageDir, platform);

  if (!fs.existsSync(options.wheel)) {
    throw new BootstrapError(
      `The Landguard server wheel is missing from the extension (${options.wheel}): reinstall the extension or set landguard.path.`,
    );
  }
  const fingerprint = wheelFingerprint(options.wheel);
  if (isCurrent(env, fingerprint)) {
    return env.landguard;
  }

  fs.mkdirSync(options.storageDir, { recursive: true });
  const release = await acquireLock(env.lock, options.lockTimeoutMs ?? 10 * 60_000);
  try {
    // Another window may have finished the job while we waited for the lock.
    if (isCurrent(env, fingerprint)) {
      return env.landguard;
    }
    progress("Looking for Python 3.10+");
    const python = await findPython(options.python, run);
    log(`Using Python ${python.version.join(".")} at ${python.executable}`);

    progress("Creating the Landguard environment");
    fs.rmSync(env.root, { recursive: true, force: true });
    await step(run, python.executable, ["-m", "venv", env.root], 5 * 60_000, log, (details) =>
      new BootstrapError(
        `Could not create a virtual environment with ${python.executable}` +
          " (on Debian/Ubuntu: apt install python3-venv), or set landguard.path.",
        details,
      ),
    );

    progress("Installing Landguard and its dependencies (first start only)");
    await step(
      run,
      env.python,
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", options.wheel],
      15 * 60_000,
      log,
      (details) =>
        new BootstrapError(
          "Installing Landguard's dependencies failed: check the connection to the package index " +
            "(or its PIP_INDEX_URL / proxy settings), or install landguard yourself and set landguard.path.",
          details,
        ),
    );

    progress("Checking the installation");
    // Importing the CLI loads the native dependencies (tree-sitter, libcst) the server needs.
    await step(run, env.python, ["-c", HEALTH_CHECK], 60_000, log, (details) =>
      new BootstrapError("The managed Landguard installation does not start: see the Landguard output.", details),
    );
    if (!fs.existsSync(env.landguard)) {
      throw new BootstrapError(`The managed environment has no ${env.landguard}: see the Landguard output.`);
    }
    fs.writeFileSync(env.marker, fingerprint);
    return env.landguard;
  } finally {
    release();
  }
}

function isCurrent(env: ReturnType<typeof environmentPaths>, fingerprint: string): boolean {
  try {
    return fs.readFileSync(env.marker, "utf8") === fingerprint && fs.existsSync(env.landguard);
  } catch {
    return false;
  }
}

async function step(
  run: Runner,
  command: string,
  args: string[],
  timeoutMs: number,
  log: (line: string) => void,
  failure: (details: string) => BootstrapError,
): Promise<RunResult> {
  log(`> ${[command, ...args].join(" ")}`);
  const result = await run(command, args, timeoutMs);
  if (result.stdout.trim()) {
    log(result.stdout.trimEnd());
  }
  if (result.stderr.trim()) {
    log(result.stderr.trimEnd());
  }
  if (result.spawnError || result.code !== 0) {
    const reason = result.spawnError ? result.spawnError.message : `exit code ${result.code}`;
    throw failure(`${reason}\n${lastLines(result.stderr, 15)}`.trim());
  }
  return result;
}

function lastLines(text: string, count: number): string {
  return text.trim().split(/\r?\n/).slice(-count).join("\n");
}

/** A directory lock (mkdir is atomic everywhere); a lock older than the timeout is taken as abandoned. */
async function acquireLock(lock: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw error;
      }
    }
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue; // released between our mkdir and stat
    }
    if (age > timeoutMs) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new BootstrapError(`Another window is still setting up Landguard (${lock}); try again later.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
