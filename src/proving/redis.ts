/**
 * Scale-out on BullMQ over Redis: the submitter enqueues proving jobs (RedisProver), workers on any number
 * of machines take them (startProvingWorker), and queueStatus counts them per run. Redis is the only
 * shared state: jobs and results survive a restart when it persists (appendonly), a worker killed in the
 * middle of a proof loses its lock and another worker takes the job over, and a job whose input is bad
 * fails once, with the `prove` error class, instead of being retried.
 */
import os from "node:os";
import { Job, Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions } from "bullmq";
import { connect } from "node:net";
import { classifyError, LoraLedgerError } from "../protocol/index.js";
import { noProgress, type Progress } from "../node/index.js";
import {
  errorFromReason,
  failureReason,
  provingJobId,
  type Prover,
  type ProvingExecutor,
  type ProvingJob,
  type ProvingResult,
} from "./jobs.js";

/** The BullMQ queue every submitter and worker of a Redis server shares. */
export const PROVING_QUEUE = "lora-ledger-proofs";

/** Attempts of a job that fails for a reason other than its input (a crash, a lost connection). */
const ATTEMPTS = 3;
/** Results are kept for a week: a submitter restarted within it finds its finished proofs in Redis too. */
const KEEP_SECONDS = 7 * 24 * 3600;

/** ioredis options from redis://[user:password@]host:port[/db] (rediss:// for TLS). */
export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoraLedgerError("usage", `${url} is not a Redis URL (redis://HOST:PORT)`, "queue");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new LoraLedgerError("usage", `${url} is not a Redis URL (redis://HOST:PORT)`, "queue");
  }
  const db = parsed.pathname.replace(/^\//, "");
  return {
    host: parsed.hostname,
    port: parsed.port === "" ? 6379 : Number(parsed.port),
    ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(db === "" ? {} : { db: Number(db) }),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
    // Commands wait for Redis to come back instead of failing: a restart of Redis is a pause, not an error.
    maxRetriesPerRequest: null,
  };
}

/**
 * Fails fast, as a usage error naming the URL, when nothing accepts a connection at the queue's address
 * within `timeoutMs`. It probes with a plain TCP connection before any BullMQ client exists: those wait
 * for Redis forever (a restart of Redis is a pause), and cannot be closed while they wait.
 */
export async function assertRedisReachable(url: string, timeoutMs = 10_000): Promise<void> {
  const { host, port } = redisConnection(url) as { host: string; port: number };
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs / 1000} s`);
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", (error) => resolve(error.message));
  });
  if (problem !== undefined) {
    throw new LoraLedgerError(
      "usage",
      `cannot reach Redis at ${redactedUrl(url)} (LORA_QUEUE): ${problem}. Start redis-server there, or check the URL (docs/SCALING.md)`,
      "queue",
    );
  }
}

/** A URL without its password, for progress lines. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, "//$1:***@");
}

interface Waiter {
  label: string;
  resolve: (result: ProvingResult) => void;
  reject: (error: Error) => void;
  checking: boolean;
}

/**
 * Enqueues jobs on Redis and resolves each with its worker's answer. Completion events wake the check at
 * once; a slow poll covers events missed while Redis was restarting.
 */
export class RedisProver implements Prover {
  readonly description: string;
  private readonly queue: Queue<ProvingJob, ProvingResult>;
  private readonly events: QueueEvents;
  private readonly waiters = new Map<string, Waiter>();
  /** the answer of each job asked for and not settled yet: the same statement asked twice is one job */
  private readonly asked = new Map<string, Promise<ProvingResult>>();
  private readonly poll: NodeJS.Timeout;
  /** job id → when this submitter enqueued it and when it saw the result (the queue's overhead) */
  readonly timings = new Map<string, { enqueued: number; answered?: number }>();

  constructor(url: string, options: { pollMs?: number } = {}) {
    const connection = redisConnection(url);
    this.queue = new Queue<ProvingJob, ProvingResult>(PROVING_QUEUE, { connection });
    this.events = new QueueEvents(PROVING_QUEUE, { connection });
    this.description = `queue ${PROVING_QUEUE} on ${redactedUrl(url)}`;
    const wake = ({ jobId }: { jobId: string }): void => this.check(jobId);
    this.events.on("completed", wake);
    this.events.on("failed", wake);
    // Errors of the connection are retried by ioredis; without a listener they would be thrown.
    this.queue.on("error", () => {});
    this.events.on("error", () => {});
    this.poll = setInterval(() => {
      for (const id of this.waiters.keys()) this.check(id);
    }, options.pollMs ?? 1000);
  }

  prove(job: ProvingJob): Promise<ProvingResult> {
    const jobId = provingJobId(job);
    const pending = this.asked.get(jobId);
    if (pending !== undefined) return pending;
    const result = new Promise<ProvingResult>((resolve, reject) => {
      this.waiters.set(jobId, { label: job.label, resolve, reject, checking: false });
    });
    this.asked.set(jobId, result);
    const settled = (): void => void this.asked.delete(jobId);
    result.then(settled, settled);
    this.enqueue(jobId, job).catch((error: unknown) => {
      const waiter = this.waiters.get(jobId);
      if (waiter !== undefined)
        this.settle(jobId, () => waiter.reject(error instanceof Error ? error : new Error(String(error))));
    });
    return result;
  }

  /** Adds the job unless Redis has it: a finished one answers at once, a failed one gets a new attempt. */
  private async enqueue(jobId: string, job: ProvingJob): Promise<void> {
    this.timings.set(jobId, { enqueued: performance.now() });
    // The same statement is the same job id: a submitter restarted after a kill finds its job, finished or not.
    const existing = await Job.fromId<ProvingJob, ProvingResult>(this.queue, jobId);
    if (existing !== undefined && (await existing.getState()) === "failed") {
      // A new attempt of the submitter gives a failed job one new chance (a worker may have been fixed).
      await existing.retry("failed");
    } else if (existing === undefined) {
      await this.queue.add(job.kind, job, {
        jobId,
        attempts: ATTEMPTS,
        backoff: { type: "fixed", delay: 1000 },
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      });
    }
    this.check(jobId);
  }

  /** Settles the job's promise when the job is finished (one check at a time per job). */
  private check(jobId: string): void {
    const waiter = this.waiters.get(jobId);
    if (waiter === undefined || waiter.checking) return;
    waiter.checking = true;
    void (async () => {
      try {
        // The state first, then the job: a job read before it finished has no result or reason yet.
        const state = await this.queue.getJobState(jobId);
        if (state !== "completed" && state !== "failed") return;
        const job = await Job.fromId<ProvingJob, ProvingResult>(this.queue, jobId);
        if (job === undefined) return;
        if (state === "completed") this.settle(jobId, () => waiter.resolve(job.returnvalue));
        else this.settle(jobId, () => waiter.reject(errorFromReason(job.failedReason, waiter.label)));
      } catch {
        // Redis is unreachable: the next poll tries again.
      } finally {
        waiter.checking = false;
      }
    })();
  }

  private settle(jobId: string, settle: () => void): void {
    if (!this.waiters.delete(jobId)) return;
    const timing = this.timings.get(jobId);
    if (timing !== undefined) timing.answered = performance.now();
    settle();
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    for (const waiter of this.waiters.values()) waiter.reject(new Error(`${waiter.label}: the prover was closed`));
    this.waiters.clear();
    await this.events.close();
    await this.queue.close();
  }
}

export interface WorkerOptions {
  /** proofs at once on this worker (default 1: one proof already uses every core) */
  concurrency?: number;
  /** how long a job stays locked to this worker without renewal; a killed worker's job is taken over after it */
  lockSeconds?: number;
  /** a name in refusals and progress lines (default host:pid) */
  name?: string;
  progress?: Progress;
}

/**
 * A worker: takes jobs from the queue, checks the artifacts' hashes, proves with the `prove` command's
 * logic and answers with its answer. A failure with a `prove` error class (bad input, other artifacts) is
 * unrecoverable: the job fails once, loudly, and is not retried.
 */
export function startProvingWorker(
  url: string,
  execute: ProvingExecutor,
  options: WorkerOptions = {},
): Worker<ProvingJob, ProvingResult> {
  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const progress = options.progress ?? noProgress;
  const lockMs = (options.lockSeconds ?? 30) * 1000;
  const worker = new Worker<ProvingJob, ProvingResult>(
    PROVING_QUEUE,
    async (job) => {
      const { data } = job;
      progress.step(
        `${data.run}: ${data.label} (${data.instance}, job ${job.id ?? "?"}, attempt ${job.attemptsMade + 1})`,
      );
      try {
        const answer = await execute(data, `worker ${name}`, noProgress);
        progress.step(
          `${data.run}: ${data.label} proven in ${answer.metadata.proving_seconds.toFixed(2)} s (witness ${answer.metadata.witness_seconds.toFixed(2)} s)`,
        );
        return answer;
      } catch (error) {
        const classified = classifyError(error);
        if (classified === undefined) throw error;
        progress.warn(`${data.run}: ${data.label} REFUSED, not retried: ${failureReason(classified)}`);
        throw new UnrecoverableError(failureReason(classified));
      }
    },
    {
      connection: redisConnection(url),
      concurrency: options.concurrency ?? 1,
      lockDuration: lockMs,
      // Stalled jobs (their worker died) are looked for twice per lock period and taken over.
      stalledInterval: Math.max(1000, lockMs / 2),
      maxStalledCount: 2,
      name,
    },
  );
  worker.on("error", (error) => progress.warn(`worker ${name}: ${error.message}`));
  return worker;
}

export type CountedState = "waiting" | "active" | "completed" | "failed";

export interface RunJobCounts {
  run: string;
  counts: Record<CountedState, number>;
  /** the failed jobs' labels and reasons */
  failures: { label: string; reason: string }[];
}

/** Jobs in the queue per run: queued (waiting, delayed, prioritized), active, done and failed. */
export async function queueStatus(url: string): Promise<RunJobCounts[]> {
  const queue = new Queue<ProvingJob, ProvingResult>(PROVING_QUEUE, { connection: redisConnection(url) });
  queue.on("error", () => {});
  try {
    const byRun = new Map<string, RunJobCounts>();
    const groups: [CountedState, Parameters<typeof queue.getJobs>[0]][] = [
      ["waiting", ["waiting", "delayed", "prioritized", "paused"]],
      ["active", ["active"]],
      ["completed", ["completed"]],
      ["failed", ["failed"]],
    ];
    for (const [state, types] of groups) {
      for (const job of await queue.getJobs(types)) {
        const run = job.data.run;
        let entry = byRun.get(run);
        if (entry === undefined) {
          entry = { run, counts: { waiting: 0, active: 0, completed: 0, failed: 0 }, failures: [] };
          byRun.set(run, entry);
        }
        entry.counts[state]++;
        if (state === "failed") entry.failures.push({ label: job.data.label, reason: job.failedReason });
      }
    }
    return [...byRun.values()].sort((a, b) => a.run.localeCompare(b.run));
  } finally {
    await queue.close();
  }
}
