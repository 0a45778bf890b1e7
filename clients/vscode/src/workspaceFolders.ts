/**
 * Multi-root and workspace trust decisions, without 'vscode' (unit-tested under Node).
 *
 * - One server per workspace folder: each gets the documents under its folder (a glob pattern on
 *   every filter) and the folder's own (resource-scoped) settings; unsaved documents go to the
 *   first folder's server, and with no folder at all one server takes every document.
 * - Restricted Mode (an untrusted workspace): the settings that choose what runs or where data is
 *   sent are read from the user's settings only, never from the workspace or folder, and the
 *   interpreter the Python extension selected (often the workspace's own venv) is not used.
 */
import { DocumentFilterLike } from "./languages";

/** Settings a workspace cannot set while it is untrusted (package.json restrictedConfigurations). */
export const RESTRICTED_SETTINGS: readonly string[] = [
  "landguard.path",
  "landguard.interpreter",
  "landguard.dependencies.pypiUrl",
  "landguard.dependencies.npmUrl",
  "landguard.dependencies.osvUrl",
];

/** What `WorkspaceConfiguration.inspect` returns, as far as we read it. */
export interface InspectedSetting<T = unknown> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** The value the user set, most specific scope first, honouring Restricted Mode; undefined if unset. */
export function effectiveValue<T>(
  key: string,
  inspected: InspectedSetting<T> | undefined,
  trusted: boolean,
): T | undefined {
  if (!inspected) {
    return undefined;
  }
  if (!trusted && RESTRICTED_SETTINGS.includes(`landguard.${key}`)) {
    return inspected.globalValue;
  }
  return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
}

/** Escapes glob metacharacters in a folder path so the pattern matches that folder literally. */
export function globEscape(folderPath: string): string {
  return folderPath.replace(/\\/g, "/").replace(/[[\]{}()*?!]/g, (c) => `[${c}]`);
}

/** The part of `base` a folder's server serves: on-disk documents under the folder (and unsaved ones if asked). */
export function folderSelector(
  base: DocumentFilterLike[],
  folderPath: string | undefined,
  includeUntitled: boolean,
): DocumentFilterLike[] {
  if (folderPath === undefined) {
    return base;
  }
  const root = globEscape(folderPath.replace(/[\\/]+$/, ""));
  const selector: DocumentFilterLike[] = [];
  for (const filter of base) {
    if (filter.scheme !== "file") {
      if (includeUntitled) {
        selector.push(filter);
      }
      continue;
    }
    const pattern = filter.pattern ? `${root}/${filter.pattern}` : `${root}/**`;
    selector.push({ ...filter, pattern });
  }
  return selector;
}

/** The interpreter to start the server with: the setting, else the Python extension's choice if trusted. */
export function chooseInterpreter(
  setting: string | undefined,
  selected: string | undefined,
  trusted: boolean,
): string | undefined {
  if (setting && setting.trim()) {
    return setting.trim();
  }
  return trusted ? selected : undefined;
}

/** The server's answer to `landguard.debugInfo`, as far as we show it. */
export interface ServerDebugInfo {
  version?: string;
  python?: string;
  pythonVersion?: string;
  workspaceRoot?: string | null;
  configSource?: string;
  configErrors?: string[];
  rulesEnabled?: string[];
  rulesDisabled?: string[];
  pullDiagnostics?: boolean;
}

export interface FolderDebugInfo {
  folder: string;
  command?: string;
  source?: string;
  trusted: boolean;
  server?: ServerDebugInfo;
  error?: string;
}

/** The text of "Landguard: Show debug info": one block per workspace folder's server. */
export function describeDebugInfo(extensionVersion: string, folders: FolderDebugInfo[]): string {
  const lines = [`Landguard extension ${extensionVersion}`];
  if (folders.length === 0) {
    lines.push("", "No server is running.");
  }
  for (const entry of folders) {
    lines.push("", `Folder: ${entry.folder}${entry.trusted ? "" : " (Restricted Mode)"}`);
    if (entry.command) {
      lines.push(`  Server command: ${entry.command}${entry.source ? ` (from the ${entry.source.replace("-", " ")})` : ""}`);
    }
    if (entry.error) {
      lines.push(`  Server: ${entry.error}`);
      continue;
    }
    const info = entry.server ?? {};
    lines.push(`  Server version: ${info.version ?? "unknown"}`);
    lines.push(`  Interpreter: ${info.python ?? "unknown"}${info.pythonVersion ? ` (Python ${info.pythonVersion})` : ""}`);
    lines.push(`  Configuration: ${info.configSource ?? "unknown"}`);
    for (const error of info.configErrors ?? []) {
      lines.push(`  Configuration error: ${error}`);
    }
    const enabled = info.rulesEnabled ?? [];
    const disabled = info.rulesDisabled ?? [];
    lines.push(`  Rules enabled: ${enabled.length} of ${enabled.length + disabled.length}`);
    if (disabled.length > 0) {
      lines.push(`  Rules disabled: ${disabled.join(", ")}`);
    }
    if (info.pullDiagnostics !== undefined) {
      lines.push(`  Diagnostics: ${info.pullDiagnostics ? "pulled by the editor" : "pushed by the server"}`);
    }
  }
  return lines.join("\n") + "\n";
}
