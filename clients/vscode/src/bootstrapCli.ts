/**
 * Runs the managed-environment bootstrap outside VS Code, exactly as the extension does:
 *   node out/src/bootstrapCli.js --storage DIR [--wheel FILE] [--python PATH]
 * Prints the landguard executable's path on success; exits 1 with the user-facing message otherwise.
 * Used by the packaging tests, and handy to pre-create the environment on a machine.
 */
import * as path from "node:path";
import { BootstrapError, ensureManagedEnvironment, findBundledWheel, pythonCandidates } from "./bootstrap";

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<number> {
  const storage = argument("--storage");
  if (!storage) {
    process.stderr.write("usage: bootstrapCli --storage DIR [--wheel FILE] [--python PATH]\n");
    return 2;
  }
  // dist/bootstrapCli.js in the packaged extension, out/src/bootstrapCli.js in a development build.
  const bundled = [path.resolve(__dirname, "..", "bundled"), path.resolve(__dirname, "..", "..", "bundled")];
  const wheel = argument("--wheel") ?? bundled.map(findBundledWheel).find((found) => found !== undefined);
  if (!wheel) {
    process.stderr.write(`no landguard wheel in ${bundled.join(" or ")}\n`);
    return 2;
  }
  try {
    const landguard = await ensureManagedEnvironment({
      storageDir: path.resolve(storage),
      wheel: path.resolve(wheel),
      python: pythonCandidates(process.platform, argument("--python")),
      progress: (message) => process.stderr.write(`${message}...\n`),
    });
    process.stdout.write(`${landguard}\n`);
    return 0;
  } catch (error) {
    const details = error instanceof BootstrapError && error.details ? `\n${error.details}` : "";
    process.stderr.write(`${(error as Error).message}${details}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
