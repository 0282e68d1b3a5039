/**
 * The embedded default: jobs proven in this process, `size` at a time. snarkjs already spreads each proof's
 * multi-exponentiations over worker threads on every core, so more proofs at once only overlap one proof's
 * single-threaded parts (witness, FFT set-up) with another's threaded ones; bench `queue` measures it.
 */
import { noProgress, type Progress } from "../node/index.js";
import { runProvingJob, type Prover, type ProvingJob, type ProvingResult } from "./jobs.js";

export class InProcessPool implements Prover {
  readonly description: string;
  private readonly size: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly progress: Progress;
  private closed = false;

  constructor(size = 1, progress: Progress = noProgress) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`an in-process pool needs 1 or more provers, not ${size}`);
    this.size = size;
    this.progress = progress;
    this.description = `in-process pool of ${size}`;
  }

  async prove(job: ProvingJob): Promise<ProvingResult> {
    // A slot is handed from the finishing job to the next waiting one, in the order they came.
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      if (this.closed) throw new Error(`${job.label}: the in-process pool was closed before the proof started`);
      return await runProvingJob(job, "this process", this.progress);
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.running--;
      else next();
    }
  }

  /** Jobs not started yet fail; the proofs' threads belong to snarkjs (releaseProverThreads). */
  async close(): Promise<void> {
    this.closed = true;
    for (const next of this.waiting.splice(0)) {
      this.running++;
      next();
    }
  }
}
