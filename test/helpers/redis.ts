// Test-only: a real redis-server (Debian's, scripts/provision-test-deps.sh) on a loopback port of the
// test's own, persisting to a temporary folder (appendonly), which the test can restart.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./processes.js";

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export class TestRedis {
  readonly port: number;
  readonly url: string;
  private readonly dir: string;
  private server: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.dir = mkdtempSync(path.join(os.tmpdir(), "lora-ledger-redis-"));
  }

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.launch();
    return redis;
  }

  private async launch(): Promise<void> {
    this.server = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--appendonly", "yes", "--dir", this.dir, "--save", ""],
      { stdio: "ignore" },
    );
    for (let attempt = 0; !(await ping(this.port)); attempt++) {
      if (attempt > 100) throw new Error(`redis-server did not answer on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops the server (SIGTERM: it writes its append-only file and exits) and waits for the exit. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }

  /** Stops the server and starts it again on the same port and folder: what it persisted is back. */
  async restart(downMs = 1000): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
