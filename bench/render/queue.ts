/**
 * `## Proving at scale`, rendered when the record has `queue` (bench/queue.ts, `npm run bench -- --only
 * queue`): a 32-step run with the in-process pool and with 1 and 2 workers over Redis, the queue's overhead per
 * job, and the N-machine model of docs/SCALING.md evaluated with these figures and version 2's gas.
 */
import type { BenchResults, QueueBenchRecord } from "../lib/results.js";
import { count, heading, seconds, table, type Block } from "./format.js";
import { measuredV2Gas } from "./records.js";

/** The chains the model is evaluated for: a block gas limit and a block time (assumptions, not measurements). */
export const MODEL_CHAINS = [
  { name: "L1-like: 30 M gas every 12 s", gasLimit: 30_000_000, blockSeconds: 12 },
  { name: "L2-like: 30 M gas every 2 s", gasLimit: 30_000_000, blockSeconds: 2 },
] as const;

export interface ScalingModelRow {
  chain: string;
  /** checkpoints per transaction */
  batch: number;
  gasPerCheckpoint: number;
  /** machines (one worker each) at which the submitter, waiting one block per transaction, saturates */
  submitterMachines: number;
  /** machines at which the whole block gas limit goes to checkpoints */
  chainMachines: number;
}

/**
 * N machines prove N / t checkpoints per second (t: one checkpoint's proof plus the queue's overhead). The
 * submitter sends one transaction of b checkpoints and waits for its receipt, one block: b / T per second.
 * The chain takes G / (g_b T) per second. Each bottleneck is reached at the N where the rates meet.
 */
export function scalingModel(
  queue: QueueBenchRecord,
  gas: { batch: number; perCheckpoint: number }[],
): ScalingModelRow[] {
  const proofSeconds = checkpointSeconds(queue) + queue.overhead.overheadPerJobSeconds;
  return MODEL_CHAINS.flatMap((chain) =>
    gas.map(({ batch, perCheckpoint }) => ({
      chain: chain.name,
      batch,
      gasPerCheckpoint: perCheckpoint,
      submitterMachines: (proofSeconds * batch) / chain.blockSeconds,
      chainMachines: (proofSeconds * chain.gasLimit) / (perCheckpoint * chain.blockSeconds),
    })),
  );
}

/** The run with one worker over Redis: the proofs in a process of their own, as on a machine of their own. */
function singleWorker(queue: QueueBenchRecord): QueueBenchRecord["runs"][number] | undefined {
  return queue.runs.find((run) => run.kind === "redis" && run.parallel === 1) ?? queue.runs[0];
}

/** One checkpoint proof (witness + proof) as the single worker over Redis measured it. */
export function checkpointSeconds(queue: QueueBenchRecord): number {
  return singleWorker(queue)?.checkpointProofSecondsMean ?? 0;
}

/** How BENCHMARKS.md and the benchmark's progress lines name a way of proving. */
export function proverLabel(kind: QueueBenchRecord["runs"][number]["kind"], parallel: number): string {
  switch (kind) {
    case "pool":
      return `in-process pool of ${parallel}`;
    case "processes":
      return `pool of ${parallel} prover process${parallel === 1 ? "" : "es"}`;
    case "redis":
      return `${parallel} worker${parallel === 1 ? "" : "s"} over Redis`;
  }
}

export function queueSection(results: BenchResults): Block[] {
  const queue = results.queue;
  if (queue === undefined) return [];
  const baseline = queue.runs[0]?.wallSeconds ?? 0;
  const gas = measuredV2Gas(results);
  const batches =
    gas === undefined
      ? []
      : [
          { batch: 1, perCheckpoint: gas.submitCheckpoint.perCheckpoint },
          { batch: 8, perCheckpoint: gas.submitCheckpoints8.perCheckpoint },
        ];
  const { overhead } = queue;
  const single = singleWorker(queue);
  const submitTransaction = single === undefined ? 0 : single.submitSeconds / Math.max(1, single.transactions);
  return [
    heading(2, "Proving at scale"),
    `A ${queue.steps}-step run of ${queue.checkpointInstance} (\`scripts/prove-and-submit.ts\` on Hardhat's in-process network, deployment included), ` +
      `proven in the submitter's process, in child processes of it and by \`npm run worker\` processes over a redis-server on a loopback port, all on this machine ` +
      `(${queue.cores} cores, shared: the 1-minute load average was ${queue.loadAverage.start[0]?.toFixed(2) ?? "?"} at the start and ${queue.loadAverage.end[0]?.toFixed(2) ?? "?"} at the end, ` +
      "other engineers' test suites included). On one machine the workers compete for the same cores as snarkjs' own threads, so more workers here " +
      `measure the queue, not a speed-up; docs/SCALING.md models N machines. Measured by \`${queue.command}\` on ${queue.measuredAt}.`,
    table(
      [
        "proven by",
        "wall time",
        "vs the first row",
        "proofs",
        "witness + proof, summed",
        "checkpoint proof, mean",
        "transactions",
        "until receipts",
      ],
      queue.runs.map((run) => [
        proverLabel(run.kind, run.parallel),
        seconds(run.wallSeconds),
        `${(run.wallSeconds / baseline).toFixed(2)}×`,
        String(run.proofs),
        seconds(run.provingSecondsSum),
        seconds(run.checkpointProofSecondsMean),
        String(run.transactions),
        seconds(run.submitSeconds),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "In the submitter's own process (the in-process pool) the proofs share one event loop with Hardhat's in-process " +
      "chain: transactions wait behind proofs (the last column) and the proofs behind the chain. A prover process of its own, " +
      "a child or a worker, avoids both, which is why the pool of prover processes is the default. Two at once overlap " +
      "proofs on 2 busy cores: each proof takes about twice as long (the checkpoint column) for no gain in wall time.",
    `The queue's overhead per job: ${overhead.jobs} ${overhead.instance} proofs, one at a time to an idle worker, took ${seconds(overhead.queueRoundTripSeconds)} each from enqueueing to the answer, ` +
      `of which the worker's witness and proof were ${seconds(overhead.workerProofSeconds)}: **${seconds(overhead.overheadPerJobSeconds)} per job** ` +
      `(Redis round trips, the job's JSON, the artifacts' hash check, the answer's completion event). The same proofs made in the bench's own process took ${seconds(overhead.inProcessSeconds)}.`,
    ...(batches.length === 0
      ? ["The N-machine model needs version 2's gas: `npm run bench -- --only gas`."]
      : [
          heading(3, "N machines: where the submitter or the chain becomes the bottleneck"),
          `With one checkpoint proof at ${seconds(checkpointSeconds(queue))} plus the overhead (measured above), ` +
            `version 2's gas per checkpoint (Gas section) and a submitter that waits one block for each transaction's receipt ` +
            `(here, on the in-process network, ${seconds(submitTransaction)} per transaction): the number of machines, one worker each, at which each stage saturates. ` +
            "Gas limits and block times are assumptions of the model, not measurements.",
          table(
            [
              "chain",
              "checkpoints per transaction",
              "gas per checkpoint",
              "submitter saturates at",
              "block gas limit reached at",
            ],
            scalingModel(queue, batches).map((row) => [
              row.chain,
              String(row.batch),
              count(row.gasPerCheckpoint),
              `${row.submitterMachines.toFixed(1)} machines`,
              `${row.chainMachines.toFixed(0)} machines`,
            ]),
            ["l", "r", "r", "r", "r"],
          ),
        ]),
  ];
}
