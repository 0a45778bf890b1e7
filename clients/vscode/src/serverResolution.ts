/**
 * Which `landguard` to start, in order:
 *   1. the `landguard.path` setting;
 *   2. `landguard` installed in the Python environment selected in the Python extension;
 *   3. a managed environment the extension creates from the wheel it carries (see bootstrap.ts).
 * No 'vscode' import: the glue passes in what it learnt from the editor.
 */
import * as path from "node:path";

export type ServerSource = "setting" | "python-environment" | "managed-environment" | "development";

export interface ServerCommand {
  command: string;
  args: string[];
  source: ServerSource;
}

/** A failure the user can fix; `message` says what went wrong and what to do. */
export class ServerNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerNotFoundError";
  }
}

export interface ResolveOptions {
  /** landguard.path, already expanded; empty when unset. */
  pathSetting: string;
  /** The interpreter selected in the Python extension, if it is installed and one is selected. */
  interpreter?: string;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
  /** Creates (or reuses) the managed environment and returns its `landguard` executable. */
  managedEnvironment: () => Promise<string>;
}

export const LSP_ARGS: readonly string[] = ["lsp"];

/** Where an environment's console scripts live, next to its interpreter. */
export function scriptCandidates(interpreter: string, platform: NodeJS.Platform): string[] {
  const p = platform === "win32" ? path.win32 : path.posix;
  const binDir = p.dirname(interpreter);
  if (platform === "win32") {
    // A venv's python.exe sits in Scripts\; a base install's in the folder above Scripts\.
    return [p.join(binDir, "landguard.exe"), p.join(binDir, "Scripts", "landguard.exe")];
  }
  return [p.join(binDir, "landguard")];
}

export async function resolveServer(options: ResolveOptions): Promise<ServerCommand> {
  const setting = options.pathSetting.trim();
  if (setting) {
    if (!options.exists(setting)) {
      throw new ServerNotFoundError(
        `landguard.path is set to "${setting}", which does not exist: fix the path or clear the setting.`,
      );
    }
    return { command: setting, args: [...LSP_ARGS], source: "setting" };
  }
  if (options.interpreter) {
    const found = scriptCandidates(options.interpreter, options.platform).find((file) => options.exists(file));
    if (found) {
      return { command: found, args: [...LSP_ARGS], source: "python-environment" };
    }
  }
  const managed = await options.managedEnvironment();
  return { command: managed, args: [...LSP_ARGS], source: "managed-environment" };
}

/**
 * For developing Landguard (.vscode/launch.json): LANDGUARD_SERVER_PYTHON runs the server module of
 * that interpreter's environment (the checkout's .venv) instead of the resolved `landguard`, and
 * LANDGUARD_DEBUGPY_PORT runs it under debugpy, waiting for the debugger to attach ("Extension +
 * Server"); without LANDGUARD_SERVER_PYTHON, debugpy uses the interpreter next to `landguard`.
 */
export function developmentCommand(
  server: ServerCommand | undefined,
  env: { LANDGUARD_DEBUGPY_PORT?: string; LANDGUARD_SERVER_PYTHON?: string },
  platform: NodeJS.Platform,
): ServerCommand {
  const port = env.LANDGUARD_DEBUGPY_PORT?.trim();
  const python = env.LANDGUARD_SERVER_PYTHON?.trim();
  if (!port && !python) {
    if (!server) {
      throw new ServerNotFoundError("No landguard server was resolved.");
    }
    return server;
  }
  if (port && !/^\d{1,5}$/.test(port)) {
    throw new ServerNotFoundError(`LANDGUARD_DEBUGPY_PORT must be a port number, not "${port}".`);
  }
  const p = platform === "win32" ? path.win32 : path.posix;
  if (!python && !server) {
    throw new ServerNotFoundError("LANDGUARD_DEBUGPY_PORT needs LANDGUARD_SERVER_PYTHON or a resolved landguard.");
  }
  const interpreter =
    python || p.join(p.dirname(server!.command), platform === "win32" ? "python.exe" : "python");
  const debug = port ? ["-m", "debugpy", "--listen", `127.0.0.1:${port}`, "--wait-for-client"] : [];
  return {
    command: interpreter,
    args: [...debug, "-m", "landguard.lsp"],
    source: python ? "development" : server!.source,
  };
}
