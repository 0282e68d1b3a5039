/**
 * The embedded default: jobs proven in this process, `size` at a time. snarkjs already spreads each proof's
 * multi-exponentiations over worker threads on every core, so more proofs at once only overlap one proof's
 * single-threaded parts (witness, FFT set-up) with another's threaded ones; bench `queue` measures it.
 */
import { noProgress, type Progress } from "../node/index.js";
import type { Prover, ProvingExecutor, ProvingJob, ProvingResult } from "./jobs.js";

/** Runs tasks at most `size` at a time, in the order they came; after close(), tasks not started fail. */
export class ConcurrencyLimit {
  private readonly size: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a pool needs 1 or more slots, not ${size}`);
    this.size = size;
  }

  async run<T>(what: string, task: () => Promise<T>): Promise<T> {
    // A slot is handed from the finishing task to the next waiting one.
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      if (this.closed) throw new Error(`${what}: the pool was closed before it started`);
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.running--;
      else next();
    }
  }

  close(): void {
    this.closed = true;
    for (const next of this.waiting.splice(0)) {
      this.running++;
      next();
    }
  }
}

export class InProcessPool implements Prover {
  readonly description: string;
  private readonly limit: ConcurrencyLimit;
  private readonly execute: ProvingExecutor;
  private readonly progress: Progress;

  constructor(size: number, execute: ProvingExecutor, progress: Progress = noProgress) {
    this.limit = new ConcurrencyLimit(size);
    this.execute = execute;
    this.progress = progress;
    this.description = `in-process pool of ${size}`;
  }

  prove(job: ProvingJob): Promise<ProvingResult> {
    return this.limit.run(job.label, () => this.execute(job, "this process", this.progress));
  }

  /** Jobs not started yet fail; the proofs' threads belong to snarkjs (releaseProverThreads). */
  close(): Promise<void> {
    this.limit.close();
    return Promise.resolve();
  }
}
