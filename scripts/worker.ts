// A proving worker: takes proving jobs from the BullMQ queue on Redis, checks that this machine's artifacts
// (zkey, wasm) of the job's instance have the submitter's hashes, proves with the `prove` command's logic and
// answers with its answer. Start one on every machine that should prove (docs/SCALING.md):
//   npm run worker -- --redis redis://HOST:PORT [--concurrency 1] [--lock-seconds 30] [--name NAME]
// A worker killed in the middle of a proof loses its lock after --lock-seconds; another worker takes the
// job over. SIGINT / SIGTERM finish the proofs in hand and stop.
import { parseCliArgs, proveJob, toFailure } from "../src/cli/index.js";
import { releaseProverThreads, stderrProgress } from "../src/node/index.js";
import { LoraLedgerError } from "../src/protocol/index.js";
import { redactedUrl, startProvingWorker, PROVING_QUEUE } from "../src/proving/index.js";

const progress = stderrProgress("worker");

function positiveInteger(option: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new LoraLedgerError("missing_field", `--${option} takes a positive integer, not ${raw}`, `--${option}`);
  }
  return value;
}

try {
  const { values } = parseCliArgs("worker", {
    redis: { type: "string" },
    concurrency: { type: "string" },
    "lock-seconds": { type: "string" },
    name: { type: "string" },
  });
  const url = values.redis ?? process.env.LORA_QUEUE;
  if (url === undefined || url === "") {
    throw new LoraLedgerError(
      "missing_field",
      "worker: --redis redis://HOST:PORT is required (or LORA_QUEUE)",
      "--redis",
    );
  }
  const worker = startProvingWorker(url, proveJob, {
    concurrency: positiveInteger("concurrency", values.concurrency, 1),
    lockSeconds: positiveInteger("lock-seconds", values["lock-seconds"], 30),
    ...(values.name === undefined ? {} : { name: values.name }),
    progress,
  });
  await worker.waitUntilReady();
  progress.step(`waiting for jobs of queue ${PROVING_QUEUE} on ${redactedUrl(url)}`);
  const stop = (signal: NodeJS.Signals): void => {
    progress.step(`${signal}: finishing the proofs in hand, then stopping`);
    // A proof in hand is finished unless Redis stays away: then the job's lock lapses and another worker takes it.
    setTimeout(() => process.exit(0), 60_000).unref();
    void worker
      .close()
      .then(releaseProverThreads)
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`worker failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
  await releaseProverThreads();
}
