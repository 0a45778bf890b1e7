/**
 * The VS Code face of Landguard: finds and starts the server, passes settings, adds the commands and
 * the status bar item. Decisions live in modules without 'vscode' (settings, serverResolution,
 * bootstrap, presentation), unit-tested under Node; this file only wires them to the editor.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { BootstrapError, ensureManagedEnvironment, findBundledWheel, pythonCandidates } from "./bootstrap";
import { documentSelector } from "./languages";
import { describeScanResult, SeverityCounts, statusView } from "./presentation";
import { onInterpreterChange, selectedInterpreter } from "./pythonApi";
import { developmentCommand, resolveServer, ServerCommand, ServerNotFoundError } from "./serverResolution";
import { expandPath, needsRestart, SECTION, serverSettings } from "./settings";
import {
  chooseInterpreter,
  describeDebugInfo,
  effectiveValue,
  FolderDebugInfo,
  folderSelector,
  ServerDebugInfo,
} from "./workspaceFolders";

const CLIENT_ID = "landguard";
const SERVER_SCAN_COMMAND = "landguard.scanWorkspace";
const SERVER_DEBUG_INFO_COMMAND = "landguard.debugInfo";
const NO_FOLDER = "";

/** One server per workspace folder (NO_FOLDER: a window without folders). */
interface FolderServer {
  folder: vscode.WorkspaceFolder | undefined;
  client?: LanguageClient;
  server?: ServerCommand;
}

const servers = new Map<string, FolderServer>();
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let extensionContext: vscode.ExtensionContext;
// Serialises start/stop so a burst of setting changes cannot start two servers for a folder.
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel("Landguard", { log: true });
  statusItem = vscode.window.createStatusBarItem("landguard.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "Landguard";
  statusItem.command = "landguard.showOutput";
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand("landguard.restart", () => queue(restartAll)),
    vscode.commands.registerCommand("landguard.scan", scanWorkspace),
    vscode.commands.registerCommand("landguard.showOutput", () => output.show()),
    vscode.commands.registerCommand("landguard.showDebugInfo", showDebugInfo),
    vscode.workspace.onDidChangeConfiguration((event) => {
      for (const folder of folders()) {
        if (needsRestart((section) => event.affectsConfiguration(section, folder?.uri))) {
          output.info(`Settings changed: restarting the server${folder ? ` for ${folder.name}` : ""}`);
          void queue(() => restartFolder(folder));
        }
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders((event) => {
      void queue(async () => {
        for (const removed of event.removed) {
          await stopFolder(folderKey(removed));
        }
        // The first folder's server also takes unsaved documents: with folders added or removed
        // the first may have changed, and a window that had no folder now has some.
        await restartAll();
      });
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      output.info("Workspace trusted: restarting with the workspace's settings and interpreter");
      void queue(restartAll);
    }),
    vscode.languages.onDidChangeDiagnostics(updateStatus),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
  );
  const interpreterWatch = await onInterpreterChange(() => {
    for (const entry of servers.values()) {
      if (entry.server?.source !== "setting") {
        output.info("Python interpreter changed: restarting the server");
        void queue(() => restartFolder(entry.folder));
      }
    }
  });
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  // Not awaited: a first start may build the managed environment for a minute, behind a progress
  // notification; activation (and so the commands) must not wait for it.
  void queue(startAll);
}

export async function deactivate(): Promise<void> {
  await queue(stopAll);
}

function queue(task: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(task, task);
  return lifecycle;
}

function folders(): (vscode.WorkspaceFolder | undefined)[] {
  const open = vscode.workspace.workspaceFolders ?? [];
  return open.length > 0 ? [...open] : [undefined];
}

function folderKey(folder: vscode.WorkspaceFolder | undefined): string {
  return folder ? folder.uri.toString() : NO_FOLDER;
}

function settings(folder: vscode.WorkspaceFolder | undefined): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, folder?.uri);
}

/** The value the user set for this folder (Restricted Mode honoured); undefined when only the default applies. */
function userValue(folder: vscode.WorkspaceFolder | undefined, key: string): unknown {
  return effectiveValue(key, settings(folder).inspect(key), vscode.workspace.isTrusted);
}

async function startAll(): Promise<void> {
  for (const folder of folders()) {
    await startFolder(folder);
  }
}

async function stopAll(): Promise<void> {
  for (const key of [...servers.keys()]) {
    await stopFolder(key);
  }
}

async function restartAll(): Promise<void> {
  await stopAll();
  await startAll();
}

async function restartFolder(folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  await stopFolder(folderKey(folder));
  await startFolder(folder);
}

async function stopFolder(key: string): Promise<void> {
  const entry = servers.get(key);
  servers.delete(key);
  if (entry?.client) {
    try {
      await entry.client.stop();
    } catch (error) {
      output.warn(`Stopping the server: ${String(error)}`);
    }
  }
  updateStatus();
}

async function startFolder(folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  const key = folderKey(folder);
  if (servers.has(key)) {
    return;
  }
  const read = (setting: string) => userValue(folder, setting);
  if ((read("enable") ?? true) === false) {
    output.info(`landguard.enable is off${folder ? ` for ${folder.name}` : ""}: the server is not started`);
    updateStatus();
    return;
  }
  const entry: FolderServer = { folder };
  servers.set(key, entry);
  setStatus("starting");
  let server: ServerCommand;
  try {
    server = await findServer(folder);
  } catch (error) {
    servers.delete(key);
    reportStartFailure(error);
    return;
  }
  entry.server = server;
  const where = folder ? ` for ${folder.name}` : "";
  const restricted = vscode.workspace.isTrusted ? "" : " in Restricted Mode";
  output.info(
    `Starting ${server.command} ${server.args.join(" ")}${where}${restricted} (from the ${server.source.replace("-", " ")})`,
  );

  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    options: { cwd: folder?.uri.fsPath ?? os.homedir() },
  };
  const firstFolder = vscode.workspace.workspaceFolders?.[0];
  const clientOptions: LanguageClientOptions = {
    documentSelector: folderSelector(documentSelector(), folder?.uri.fsPath, !folder || folder === firstFolder),
    workspaceFolder: folder,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings(read),
    middleware: {
      workspace: {
        // Answer workspace/configuration with the same user-set values, not VS Code's defaults,
        // so a project's landguard.toml is not overridden by settings nobody chose.
        configuration: async (params, token, next) => {
          const answered = await next(params, token);
          if (!Array.isArray(answered)) {
            return answered;
          }
          return params.items.map((item, index) =>
            item.section === SECTION ? serverSettings(read) : answered[index],
          );
        },
      },
    },
  };
  const languageClient = new LanguageClient(CLIENT_ID, "Landguard", serverOptions, clientOptions);
  languageClient.onDidChangeState((event) => {
    if (event.newState === State.Stopped) {
      setStatus("stopped");
    }
  });
  entry.client = languageClient;
  try {
    await languageClient.start();
    updateStatus();
  } catch (error) {
    servers.delete(key);
    setStatus("stopped");
    output.error(`The server did not start: ${String(error)}`);
    void vscode.window
      .showErrorMessage(
        `Landguard: the server (${server.command}) did not start. Set landguard.path to a working landguard, or see the output.`,
        "Show Output",
      )
      .then((choice) => choice && output.show());
  }
}

async function findServer(folder: vscode.WorkspaceFolder | undefined): Promise<ServerCommand> {
  if (process.env.LANDGUARD_SERVER_PYTHON?.trim()) {
    // Developing Landguard itself: run the checkout's server, whatever is installed.
    return developmentCommand(undefined, process.env, process.platform);
  }
  const trusted = vscode.workspace.isTrusted;
  const interpreterSetting = userValue(folder, "interpreter");
  const interpreter = chooseInterpreter(
    typeof interpreterSetting === "string" ? expandPath(interpreterSetting, { home: os.homedir(), workspaceFolder: folder?.uri.fsPath }) : undefined,
    trusted ? await selectedInterpreter(folder?.uri) : undefined,
    trusted,
  );
  const pathSetting = userValue(folder, "path");
  const server = await resolveServer({
    pathSetting: expandPath(typeof pathSetting === "string" ? pathSetting : "", {
      home: os.homedir(),
      workspaceFolder: folder?.uri.fsPath,
    }),
    interpreter,
    platform: process.platform,
    exists: (file) => fs.existsSync(file),
    managedEnvironment: () => createManagedEnvironment(interpreter),
  });
  return developmentCommand(server, process.env, process.platform);
}

async function createManagedEnvironment(interpreter: string | undefined): Promise<string> {
  const wheel = findBundledWheel(path.join(extensionContext.extensionPath, "bundled"));
  if (!wheel) {
    throw new BootstrapError("This Landguard extension carries no server wheel: install landguard and set landguard.path.");
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Landguard", cancellable: false },
    (progress) =>
      ensureManagedEnvironment({
        storageDir: extensionContext.globalStorageUri.fsPath,
        wheel,
        python: pythonCandidates(process.platform, interpreter),
        progress: (message) => progress.report({ message }),
        log: (line) => output.info(line),
      }),
  );
}

function reportStartFailure(error: unknown): void {
  setStatus("stopped");
  const known = error instanceof BootstrapError || error instanceof ServerNotFoundError;
  const message = known ? (error as Error).message : `The server could not be set up: ${String(error)}`;
  output.error(message);
  if (error instanceof BootstrapError && error.details) {
    output.error(error.details);
  }
  void vscode.window
    .showErrorMessage(`Landguard: ${message}`, "Open Settings", "Show Output")
    .then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "landguard.path");
      } else if (choice === "Show Output") {
        output.show();
      }
    });
}

function runningServers(): FolderServer[] {
  return [...servers.values()].filter((entry) => entry.client?.isRunning());
}

async function scanWorkspace(): Promise<void> {
  const running = runningServers();
  if (running.length === 0) {
    void vscode.window.showWarningMessage("Landguard: the server is not running (Landguard: Restart Server).");
    return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Landguard: scanning the workspace", cancellable: true },
    async (_progress, token) => {
      for (const entry of running) {
        try {
          const result = await entry.client!.sendRequest(
            ExecuteCommandRequest.type,
            { command: SERVER_SCAN_COMMAND, arguments: [] },
            token,
          );
          if (!token.isCancellationRequested) {
            const where = running.length > 1 && entry.folder ? `${entry.folder.name}: ` : "";
            void vscode.window.showInformationMessage(where + describeScanResult(result));
          }
        } catch (error) {
          if (!token.isCancellationRequested) {
            output.error(`Workspace scan failed: ${String(error)}`);
            void vscode.window.showErrorMessage(`Landguard: the workspace scan failed: ${String(error)}`);
          }
        }
      }
    },
  );
}

async function showDebugInfo(): Promise<void> {
  const entries: FolderDebugInfo[] = [];
  for (const entry of servers.values()) {
    const info: FolderDebugInfo = {
      folder: entry.folder?.uri.fsPath ?? "(no folder)",
      command: entry.server ? [entry.server.command, ...entry.server.args].join(" ") : undefined,
      source: entry.server?.source,
      trusted: vscode.workspace.isTrusted,
    };
    if (!entry.client?.isRunning()) {
      info.error = "not running";
    } else {
      try {
        info.server = (await entry.client.sendRequest(ExecuteCommandRequest.type, {
          command: SERVER_DEBUG_INFO_COMMAND,
          arguments: [],
        })) as ServerDebugInfo;
      } catch (error) {
        info.error = `no debug info (${String(error)})`;
      }
    }
    entries.push(info);
  }
  const version = String(extensionContext.extension.packageJSON.version ?? "unknown");
  const text = describeDebugInfo(version, entries);
  output.info(text);
  const document = await vscode.workspace.openTextDocument({ content: text, language: "plaintext" });
  await vscode.window.showTextDocument(document, { preview: true });
}

function setStatus(state: "starting" | "stopped"): void {
  const view = statusView(undefined, state);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.show();
}

function updateStatus(): void {
  if (!statusItem) {
    return;
  }
  if (runningServers().length === 0) {
    if (servers.size === 0) {
      statusItem.hide();
    }
    return;
  }
  const editor = vscode.window.activeTextEditor;
  let counts: SeverityCounts | undefined;
  if (editor) {
    counts = { error: 0, warning: 0, information: 0, hint: 0 };
    for (const diagnostic of vscode.languages.getDiagnostics(editor.document.uri)) {
      if (diagnostic.source !== "landguard") {
        continue;
      }
      const key = (["error", "warning", "information", "hint"] as const)[diagnostic.severity];
      counts[key] += 1;
    }
  }
  const view = statusView(counts, "running");
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.show();
}
