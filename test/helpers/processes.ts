// Test-only helpers to run the project's own command-line tools in child processes.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { PROJECT_ROOT } from "../../src/node/index.js";

export const HARDHAT_CLI = path.join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/** A TCP port free on 127.0.0.1 right now, for a node or a web server of the test's own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** written to the child's stdin, which is then closed (e.g. "y\n" for Ignition's confirmation) */
  input?: string;
  /** called with all stderr so far, each time more arrives */
  onStderr?: (stderr: string, child: ChildProcess) => void;
}

/** Runs a Node CLI (Hardhat, Vite…) from the project root to completion, keeping its output. */
export function runNodeCli(
  cli: string,
  args: readonly string[],
  environment: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: PROJECT_ROOT,
      env: environment,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end(options.input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * `npx hardhat node` on 127.0.0.1:`port` with a chain id of the test's own (so its Ignition records never
 * mix with a developer's node), resolved once it answers with that chain id.
 */
export async function startHardhatNode(port: number, chainId: bigint): Promise<ChildProcess> {
  const node = spawn(
    process.execPath,
    [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId)],
    { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const answered = (await provider.getNetwork()).chainId;
        if (answered !== chainId) throw new Error(`the node on port ${port} answers chain ${answered}, not ${chainId}`);
        return node;
      } catch (error) {
        if (attempt > 120) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    provider.destroy();
  }
}

/** Ends a detached child and everything it started (its process group); nothing when it is gone already. */
export function stopProcessGroup(child: ChildProcess | undefined): void {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}
