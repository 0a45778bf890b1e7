/**
 * Editor settings -> the server's initializationOptions, and which changes need a restart.
 *
 * Only settings the user actually set are sent: the server merges editor settings over the
 * project file (`landguard.toml` / `[tool.landguard]`), so sending VS Code's defaults would
 * silently override a project's own choices.
 */

/** Returns the value the user set (workspace folder > workspace > user), or undefined if unset. */
export type SettingReader = (key: string) => unknown;

/** Settings the server reads, as dotted keys under `landguard.`. */
export const SERVER_SETTING_KEYS: readonly string[] = [
  "select",
  "ignore",
  "severity",
  "exclude",
  "aiMarkers",
  "dependencies.online",
  "dependencies.pypiUrl",
  "dependencies.npmUrl",
  "dependencies.osvUrl",
];

/** Settings that change how the server is started. */
export const LAUNCH_SETTING_KEYS: readonly string[] = ["enable", "path", "interpreter"];

export const SECTION = "landguard";

/** Builds the object sent as initializationOptions and as the `landguard` configuration section. */
export function serverSettings(read: SettingReader): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = read(key);
    if (value === undefined || value === null) {
      continue;
    }
    const parts = key.split(".");
    let target = options;
    for (const part of parts.slice(0, -1)) {
      if (typeof target[part] !== "object" || target[part] === null) {
        target[part] = {};
      }
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1]] = normalise(key, value);
  }
  return options;
}

function normalise(key: string, value: unknown): unknown {
  if ((key === "select" || key === "ignore") && Array.isArray(value)) {
    return value.map((item) => String(item).trim().toUpperCase()).filter((item) => item.length > 0);
  }
  if (key.endsWith("Url") && typeof value === "string") {
    return value.trim().replace(/\/+$/, "");
  }
  return value;
}

/**
 * Whether a configuration change needs the server restarted.
 * `affects` is `ConfigurationChangeEvent.affectsConfiguration` (bound), taking a full section name.
 * trace.server is left out: the language client applies it live.
 */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return [...LAUNCH_SETTING_KEYS, ...SERVER_SETTING_KEYS].some((key) => affects(`${SECTION}.${key}`));
}

/**
 * `${workspaceFolder}`, `${userHome}` and a leading `~` in landguard.path, as VS Code users write them.
 */
export function expandPath(raw: string, env: { home: string; workspaceFolder?: string }): string {
  let value = raw.trim();
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    value = env.home + value.slice(1);
  }
  value = value.replace(/\$\{userHome\}/g, env.home);
  if (env.workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, env.workspaceFolder);
  }
  return value;
}
