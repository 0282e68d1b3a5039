/**
 * `npm run bench -- --only queue`: a 32-step version-2 run (prove-and-submit on Hardhat's in-process
 * network) proven in the submitter's process (1 and 2 proofs at once), in 1 and 2 child processes of it, and by 1 and 2 `npm run worker`
 * processes over a real redis-server on a loopback port, on this machine; and the queue's overhead per job
 * (the same small proof asked of a worker through Redis and made in this process, one at a time).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exampleRunDocument, proveJob } from "../src/cli/index.js";
import {
  PROJECT_ROOT,
  defaultInstance,
  companionInstance,
  releaseProverThreads,
  type Progress,
} from "../src/node/index.js";
import { artifactHashes, RedisProver, type ProvingJob } from "../src/proving/index.js";
import { TestRedis } from "../test/helpers/redis.js";
import { HARDHAT_CLI } from "../test/helpers/processes.js";
import type { QueueBenchRecord, QueueRunRecord } from "./lib/results.js";
import { proverLabel } from "./render/queue.js";

const STEPS = 32;
const OVERHEAD_JOBS = 8;
const SCRATCH = path.join(PROJECT_ROOT, "build", "bench-scratch", "queue");

interface Finished {
  code: number | null;
  output: string;
}

function runNode(args: readonly string[], environment: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: environment, stdio: "pipe" });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

function proofFiles(directory: string): { instance: string; provingSeconds: number; witnessSeconds: number }[] {
  const found: { instance: string; provingSeconds: number; witnessSeconds: number }[] = [];
  for (const entry of readdirSync(directory)) {
    const file = path.join(directory, entry);
    if (statSync(file).isDirectory()) found.push(...proofFiles(file));
    else if (entry.endsWith(".json")) {
      // Proof files only: a run also leaves adapter.json, merged.json and manifest.json beside them.
      const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<(typeof found)[number]>;
      if (typeof parsed.provingSeconds === "number" && typeof parsed.witnessSeconds === "number") {
        found.push(parsed as (typeof found)[number]);
      }
    }
  }
  return found;
}

/** One 32-step run with `prover` and `parallel` provers, prover processes or workers. */
async function measureRun(
  prover: QueueRunRecord["kind"],
  parallel: number,
  progress: Progress,
): Promise<QueueRunRecord> {
  const label = proverLabel(prover, parallel);
  const workDir = path.join(SCRATCH, `${prover}-${parallel}`);
  rmSync(workDir, { recursive: true, force: true });
  const environment: NodeJS.ProcessEnv = { ...process.env, LORA_STEPS: String(STEPS), LORA_WORK_DIR: workDir };
  let redis: TestRedis | undefined;
  const workers: ReturnType<typeof spawn>[] = [];
  try {
    if (prover !== "redis") {
      environment.LORA_PROVERS = String(parallel);
      environment.LORA_POOL = prover === "pool" ? "in-process" : "processes";
    } else {
      redis = await TestRedis.start();
      environment.LORA_QUEUE = redis.url;
      for (let index = 0; index < parallel; index++) {
        const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--redis", redis.url], {
          cwd: PROJECT_ROOT,
          env: environment,
          stdio: "ignore",
        });
        workers.push(worker);
      }
    }
    progress.step(`queue: a ${STEPS}-step run proven by the ${label}`);
    const started = performance.now();
    const finished = await runNode([HARDHAT_CLI, "run", "scripts/prove-and-submit.ts"], environment);
    const outerSeconds = (performance.now() - started) / 1000;
    if (finished.code !== 0)
      throw new Error(`prove-and-submit with the ${label} failed:\n${finished.output.slice(-2000)}`);
    const wall = /Wall time (\d+\.\d+) s/.exec(finished.output);
    const submitted = /submitter: (\d+) transactions, (\d+\.\d+) s until their receipts/.exec(finished.output);
    const proofs = proofFiles(workDir);
    const checkpoint = defaultInstance("LoraCheckpoint").name;
    const checkpoints = proofs.filter((proof) => proof.instance === checkpoint);
    const record: QueueRunRecord = {
      prover: label,
      kind: prover,
      parallel,
      wallSeconds: Number(wall?.[1] ?? outerSeconds),
      proofs: proofs.length,
      checkpointProofs: checkpoints.length,
      provingSecondsSum: proofs.reduce((sum, proof) => sum + proof.provingSeconds + proof.witnessSeconds, 0),
      checkpointProofSecondsMean:
        checkpoints.reduce((sum, proof) => sum + proof.provingSeconds + proof.witnessSeconds, 0) /
        Math.max(1, checkpoints.length),
      transactions: Number(submitted?.[1] ?? 0),
      submitSeconds: Number(submitted?.[2] ?? 0),
    };
    progress.done(
      `${label}: ${record.wallSeconds.toFixed(1)} s for ${record.proofs} proofs (${record.provingSecondsSum.toFixed(1)} s of proving), ${record.transactions} transactions in ${record.submitSeconds.toFixed(1)} s`,
    );
    return record;
  } finally {
    for (const worker of workers) worker.kill("SIGKILL");
    await redis?.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The same small proof (a run start) through Redis to one idle worker and in this process, one at a time. */
async function measureOverhead(progress: Progress): Promise<QueueBenchRecord["overhead"]> {
  const instance = companionInstance(defaultInstance("LoraCheckpoint"), "LoraRunStart");
  if (instance === undefined) throw new Error("no LoraRunStart instance for the default checkpoint instance");
  const job = (seed: number): ProvingJob => ({
    kind: "run-start",
    instance: instance.name,
    document: exampleRunDocument({ kind: "start", instance: instance.name, seed, encoding: "fixed" }),
    artifacts: artifactHashes(instance.name),
    run: "bench overhead",
    label: `run start of seed ${seed}`,
  });
  const redis = await TestRedis.start();
  const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--redis", redis.url], {
    cwd: PROJECT_ROOT,
    stdio: "ignore",
  });
  const prover = new RedisProver(redis.url);
  try {
    progress.step(`queue: overhead per job, ${OVERHEAD_JOBS} run-start proofs through Redis and in this process`);
    // Warm both sides up (the worker's first proof loads snarkjs and the curve).
    await prover.prove(job(1000));
    await proveJob(job(1001), "bench");
    const queued: number[] = [];
    const workerSeconds: number[] = [];
    const local: number[] = [];
    for (let index = 0; index < OVERHEAD_JOBS; index++) {
      let started = performance.now();
      const answer = await prover.prove(job(2000 + index));
      queued.push((performance.now() - started) / 1000);
      workerSeconds.push(answer.metadata.witness_seconds + answer.metadata.proving_seconds);
      started = performance.now();
      await proveJob(job(3000 + index), "bench");
      local.push((performance.now() - started) / 1000);
    }
    const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const result = {
      jobs: OVERHEAD_JOBS,
      instance: instance.name,
      queueRoundTripSeconds: mean(queued),
      workerProofSeconds: mean(workerSeconds),
      inProcessSeconds: mean(local),
      overheadPerJobSeconds: mean(queued) - mean(workerSeconds),
    };
    progress.done(
      `overhead per job ${(result.overheadPerJobSeconds * 1000).toFixed(0)} ms (round trip ${result.queueRoundTripSeconds.toFixed(2)} s, the worker's witness + proof ${result.workerProofSeconds.toFixed(2)} s, in this process ${result.inProcessSeconds.toFixed(2)} s)`,
    );
    return result;
  } finally {
    await prover.close();
    worker.kill("SIGKILL");
    await redis.dispose();
    await releaseProverThreads();
  }
}

export async function measureQueue(command: string, progress: Progress): Promise<QueueBenchRecord> {
  const loadStart = os.loadavg();
  const runs: QueueRunRecord[] = [];
  for (const [prover, parallel] of [
    ["pool", 1],
    ["pool", 2],
    ["processes", 1],
    ["processes", 2],
    ["redis", 1],
    ["redis", 2],
  ] as const) {
    runs.push(await measureRun(prover, parallel, progress));
  }
  const overhead = await measureOverhead(progress);
  return {
    measuredAt: new Date().toISOString(),
    command,
    steps: STEPS,
    checkpointInstance: defaultInstance("LoraCheckpoint").name,
    cores: os.cpus().length,
    loadAverage: { start: loadStart, end: os.loadavg() },
    runs,
    overhead,
  };
}
