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

const CLIENT_ID = "landguard";
const SERVER_SCAN_COMMAND = "landguard.scanWorkspace";

let client: LanguageClient | undefined;
let serverSource: ServerCommand["source"] | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let extensionContext: vscode.ExtensionContext;
// Serialises start/stop so a burst of setting changes cannot start two servers.
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel("Landguard", { log: true });
  statusItem = vscode.window.createStatusBarItem("landguard.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "Landguard";
  statusItem.command = "landguard.showOutput";
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand("landguard.restart", () => queue(restart)),
    vscode.commands.registerCommand("landguard.scan", scanWorkspace),
    vscode.commands.registerCommand("landguard.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        output.info("Settings changed: restarting the server");
        void queue(restart);
      }
    }),
    vscode.languages.onDidChangeDiagnostics(updateStatus),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
  );
  const interpreterWatch = await onInterpreterChange(() => {
    if (serverSource !== "setting") {
      output.info("Python interpreter changed: restarting the server");
      void queue(restart);
    }
  });
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  // Not awaited: a first start may build the managed environment for a minute, behind a progress
  // notification; activation (and so the commands) must not wait for it.
  void queue(start);
}

export async function deactivate(): Promise<void> {
  await queue(stop);
}

function queue(task: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(task, task);
  return lifecycle;
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]);
}

/** The value the user set, most specific scope first; undefined when only the default applies. */
function userValue(key: string): unknown {
  const inspected = settings().inspect(key);
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  serverSource = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.warn(`Stopping the server: ${String(error)}`);
    }
  }
  updateStatus();
}

async function start(): Promise<void> {
  if (!settings().get<boolean>("enable", true)) {
    output.info("landguard.enable is off: the server is not started");
    updateStatus();
    return;
  }
  setStatus("starting");
  let server: ServerCommand;
  try {
    server = await findServer();
  } catch (error) {
    reportStartFailure(error);
    return;
  }
  serverSource = server.source;
  output.info(`Starting ${server.command} ${server.args.join(" ")} (from the ${server.source.replace("-", " ")})`);

  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir() },
  };
  const initializationOptions = serverSettings(userValue);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions,
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
            item.section === SECTION ? serverSettings(userValue) : answered[index],
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
  client = languageClient;
  try {
    await languageClient.start();
    updateStatus();
  } catch (error) {
    client = undefined;
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

async function findServer(): Promise<ServerCommand> {
  if (process.env.LANDGUARD_SERVER_PYTHON?.trim()) {
    // Developing Landguard itself: run the checkout's server, whatever is installed.
    return developmentCommand(undefined, process.env, process.platform);
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  const interpreter = await selectedInterpreter(folder?.uri);
  const server = await resolveServer({
    pathSetting: expandPath(settings().get<string>("path", ""), {
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

async function scanWorkspace(): Promise<void> {
  const running = client;
  if (!running || !running.isRunning()) {
    void vscode.window.showWarningMessage("Landguard: the server is not running (Landguard: Restart Server).");
    return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Landguard: scanning the workspace", cancellable: true },
    async (_progress, token) => {
      try {
        const result = await running.sendRequest(
          ExecuteCommandRequest.type,
          { command: SERVER_SCAN_COMMAND, arguments: [] },
          token,
        );
        if (!token.isCancellationRequested) {
          void vscode.window.showInformationMessage(describeScanResult(result));
        }
      } catch (error) {
        if (!token.isCancellationRequested) {
          output.error(`Workspace scan failed: ${String(error)}`);
          void vscode.window.showErrorMessage(`Landguard: the workspace scan failed: ${String(error)}`);
        }
      }
    },
  );
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
  if (!client || !client.isRunning()) {
    if (!client) {
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
