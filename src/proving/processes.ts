/**
 * The in-process pool's other form: proofs in child processes of this one (`size` of them, each proving one
 * job at a time with snarkjs' threads). A proof then never blocks the submitter's event loop (nor, on
 * Hardhat's in-process network, the chain's), which bench `queue` measured to matter on a small machine.
 * The child runs `entry` (src/cli's prove-child entry), which answers each job message with the `prove`
 * answer or the error's class and message.
 */
import { fork, type ChildProcess } from "node:child_process";
import { ERROR_CODES, LoraLedgerError, type ErrorCode } from "../protocol/index.js";
import type { Prover, ProvingJob, ProvingResult } from "./jobs.js";

/** What a prove child answers for job `id`. */
export type ChildAnswer =
  | { id: number; answer: ProvingResult }
  | { id: number; error: { code: string | undefined; message: string; field: string | undefined } };

interface Pending {
  id: number;
  job: ProvingJob;
  resolve: (result: ProvingResult) => void;
  reject: (error: Error) => void;
}

interface Child {
  process: ChildProcess;
  busy: Pending | undefined;
}

export class ChildProcessPool implements Prover {
  readonly description: string;
  private readonly size: number;
  private readonly entry: string;
  private readonly children: Child[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(size: number, entry: string) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a pool needs 1 or more processes, not ${size}`);
    this.size = size;
    this.entry = entry;
    this.description = `pool of ${size} prover process${size === 1 ? "" : "es"}`;
  }

  prove(job: ProvingJob): Promise<ProvingResult> {
    if (this.closed) return Promise.reject(new Error(`${job.label}: the pool is closed`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, job, resolve, reject });
      this.dispatch();
    });
  }

  private spawn(): Child {
    // TypeScript sources run through tsx's loader, as the scripts do.
    const process = fork(this.entry, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const child: Child = { process, busy: undefined };
    process.on("message", (message: ChildAnswer) => {
      const pending = child.busy;
      if (pending?.id !== message.id) return;
      child.busy = undefined;
      if ("answer" in message) pending.resolve(message.answer);
      else {
        const { code, message: text, field } = message.error;
        pending.reject(
          code !== undefined && (ERROR_CODES as readonly string[]).includes(code)
            ? new LoraLedgerError(code as ErrorCode, text, field)
            : new Error(`${pending.job.label}: ${text}`),
        );
      }
      this.dispatch();
    });
    process.on("exit", (code, signal) => {
      this.children.splice(this.children.indexOf(child), 1);
      child.busy?.reject(new Error(`${child.busy.job.label}: the prover process exited (${signal ?? code})`));
      child.busy = undefined;
      this.dispatch();
    });
    this.children.push(child);
    return child;
  }

  private dispatch(): void {
    while (!this.closed && this.waiting.length > 0) {
      const idle =
        this.children.find((child) => child.busy === undefined) ??
        (this.children.length < this.size ? this.spawn() : undefined);
      if (idle === undefined) return;
      const pending = this.waiting.shift() as Pending;
      idle.busy = pending;
      idle.process.send({ id: pending.id, job: pending.job });
    }
  }

  /** Jobs not started fail; the children are stopped (a proof in hand is abandoned). */
  close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0))
      pending.reject(new Error(`${pending.job.label}: the pool was closed`));
    const exits = this.children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.process.exitCode !== null || child.process.signalCode !== null) {
            resolve();
            return;
          }
          child.process.once("exit", () => resolve());
          child.process.kill("SIGTERM");
        }),
    );
    return Promise.all(exits).then(() => undefined);
  }
}
