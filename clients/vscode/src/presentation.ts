/** Texts shown to the user: the status bar item and the workspace scan's outcome. No 'vscode' import. */

export interface SeverityCounts {
  error: number;
  warning: number;
  information: number;
  hint: number;
}

export interface StatusView {
  text: string;
  tooltip: string;
}

export function statusView(counts: SeverityCounts | undefined, state: "running" | "starting" | "stopped"): StatusView {
  if (state !== "running") {
    return {
      text: state === "starting" ? "$(loading~spin) Landguard" : "$(circle-slash) Landguard",
      tooltip: state === "starting" ? "Landguard is starting" : "Landguard is not running: click for its output",
    };
  }
  if (!counts) {
    return { text: "$(shield) Landguard", tooltip: "Landguard: no checked file is active" };
  }
  const total = counts.error + counts.warning + counts.information + counts.hint;
  if (total === 0) {
    return { text: "$(shield) 0", tooltip: "Landguard: no findings in this file" };
  }
  const parts = [
    plural(counts.error, "error"),
    plural(counts.warning, "warning"),
    plural(counts.information + counts.hint, "note"),
  ].filter((part): part is string => part !== undefined);
  return { text: `$(shield) ${total}`, tooltip: `Landguard: ${parts.join(", ")} in this file` };
}

function plural(count: number, noun: string): string | undefined {
  if (count === 0) {
    return undefined;
  }
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Describes the result of the server's `landguard.scanWorkspace` command, whatever summary it returns. */
export function describeScanResult(result: unknown): string {
  if (result && typeof result === "object") {
    const summary = result as Record<string, unknown>;
    const files = numberField(summary, ["files", "filesScanned", "scanned"]);
    const findings = numberField(summary, ["findings", "findingCount", "total"]);
    if (files !== undefined && findings !== undefined) {
      return `Landguard scanned ${plural(files, "file") ?? "0 files"}: ${plural(findings, "finding") ?? "no findings"}.`;
    }
    if (findings !== undefined) {
      return `Landguard workspace scan: ${plural(findings, "finding") ?? "no findings"}.`;
    }
  }
  if (typeof result === "string" && result.trim()) {
    return `Landguard: ${result.trim()}`;
  }
  return "Landguard workspace scan finished: see the Problems view.";
}

function numberField(record: Record<string, unknown>, names: string[]): number | undefined {
  for (const name of names) {
    const value = record[name];
    if (typeof value === "number" && Number.isFinite(value)) {
      return value;
    }
    if (Array.isArray(value)) {
      return value.length;
    }
  }
  return undefined;
}
