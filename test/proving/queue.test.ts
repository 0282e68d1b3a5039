// The proving queue against a real redis-server (started here on a loopback port, persistence on): bad
// input fails once with the `prove` error class; a worker with other artifacts refuses the job, loudly;
// and a version-2 run on `npx hardhat node` proven by two `npm run worker` processes survives a worker
// killed in the middle of a proof, Redis restarted and the submitter killed and restarted, with every
// checkpoint recorded once.
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Job, Queue, type Worker } from "bullmq";
import { JsonRpcProvider } from "ethers";
import { exampleRunDocument, proveJob } from "../../src/cli/index.js";
import { recordedRegistryAddress } from "../../src/hardhat/index.js";
import { PROJECT_ROOT, defaultInstance } from "../../src/node/index.js";
import { LoraLedgerError } from "../../src/protocol/index.js";
import {
  artifactHashes,
  assertRedisReachable,
  PROVING_QUEUE,
  provingJobId,
  queueStatus,
  RedisProver,
  redisConnection,
  startProvingWorker,
  type ProvingJob,
} from "../../src/proving/index.js";
import { LoraLedgerRegistryV2__factory } from "../../types/ethers-contracts/index.js";
import { freePort, HARDHAT_CLI, runNodeCli, startHardhatNode, stopProcessGroup } from "../helpers/processes.js";
import { TestRedis } from "../helpers/redis.js";

const CHAIN_ID = 31341n; // its own chain id: its Ignition records never mix with another test's
const WORK_DIR = path.join(PROJECT_ROOT, "build", "queue-runs");

/** A long-running Node CLI in the background, its output kept (stdout and stderr together). */
interface Background {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Node with `args` (a CLI and its arguments, or --import tsx and a script): one process, so a kill reaches it. */
function background(args: readonly string[], environment: NodeJS.ProcessEnv): Background {
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: environment, stdio: "pipe" });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, seconds = 240): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A checkpoint job of the example run: a valid `prove` document of the default checkpoint instance. */
function exampleCheckpointJob(): ProvingJob {
  const instance = defaultInstance("LoraCheckpoint").name;
  return {
    kind: "checkpoint",
    instance,
    document: exampleRunDocument({ kind: "checkpoint", instance, encoding: "fixed", step: 0n, batchOnly: true }),
    artifacts: artifactHashes(instance),
    run: "queue test",
    label: "steps 0..1",
  };
}

describe("proving queue on a real redis-server", function () {
  let redis: TestRedis;

  before(async function () {
    redis = await TestRedis.start();
  });

  after(async function () {
    await redis.dispose();
  });

  it("a queue nothing answers at is a usage error (exit 12) naming the URL, before any work", async function () {
    const closed = await freePort();
    const url = `redis://127.0.0.1:${closed}`;
    const error = await assertRedisReachable(url, 2000).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(LoraLedgerError);
    expect((error as LoraLedgerError).code).to.equal("usage");
    expect((error as LoraLedgerError).message).to.match(new RegExp(`cannot reach Redis at ${url} \\(LORA_QUEUE\\)`));
    await assertRedisReachable(redis.url);
  });

  describe("jobs that must not be retried", function () {
    let worker: Worker | undefined;
    let prover: RedisProver | undefined;
    let queue: Queue | undefined;

    before(async function () {
      worker = startProvingWorker(redis.url, proveJob, { name: "test-worker" });
      await worker.waitUntilReady();
      prover = new RedisProver(redis.url, { pollMs: 200 });
      queue = new Queue(PROVING_QUEUE, { connection: redisConnection(redis.url) });
    });

    after(async function () {
      await prover?.close();
      await queue?.close();
      await worker?.close();
    });

    it("fails a job with bad input once, with the prove error class, and does not retry it", async function () {
      const job = exampleCheckpointJob();
      const statement = job.document.statement as Record<string, unknown>;
      // A loss other than the batches': prove's statement check (exit 8) before any proof is made.
      job.document = { ...job.document, statement: { ...statement, loss: "12345" } };
      const failure = await prover?.prove(job).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(LoraLedgerError);
      expect((failure as LoraLedgerError).code).to.equal("statement_mismatch");
      expect((failure as Error).message).to.match(/^steps 0\.\.1: .*loss/);
      // Still failed after the retry back-off has passed, after a single attempt.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const stored = await Job.fromId(queue as Queue, provingJobId(job));
      expect(await stored?.getState()).to.equal("failed");
      expect(stored?.attemptsMade).to.equal(1);
      expect(stored?.failedReason).to.match(/^\[statement_mismatch\] /);
    });

    it("refuses a job whose artifacts differ from this machine's, naming the instance and both hashes", async function () {
      const job = exampleCheckpointJob();
      const found = job.artifacts.zkey;
      job.artifacts = { ...job.artifacts, zkey: "0".repeat(64) };
      job.label = "steps 0..1 (other key)";
      const failure = await prover?.prove(job).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((failure as LoraLedgerError).code).to.equal("artifacts_missing");
      expect((failure as Error).message).to.include(`worker test-worker refuses the job`);
      expect((failure as Error).message).to.include(job.instance);
      expect((failure as Error).message).to.include(`zkey sha256 expected ${"0".repeat(64)}, found ${found}`);
      const stored = await Job.fromId(queue as Queue, provingJobId(job));
      expect(stored?.attemptsMade).to.equal(1);
      const status = await queueStatus(redis.url);
      expect(status.find((entry) => entry.run === "queue test")?.counts.failed).to.equal(2);
    });
  });

  describe("a run on npx hardhat node proven by two workers", function () {
    let node: ChildProcess | undefined;
    const workers: Background[] = [];
    let environment: NodeJS.ProcessEnv;
    let url: string;

    before(async function () {
      // The jobs of the tests above are of the example run, not this one: a clean queue for the status.
      const queue = new Queue(PROVING_QUEUE, { connection: redisConnection(redis.url) });
      await queue.obliterate({ force: true });
      await queue.close();
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      environment = {
        ...process.env,
        LORA_LOCALHOST_URL: url,
        LORA_WORK_DIR: WORK_DIR,
        LORA_STEPS: "6",
        LORA_MERGE: "false",
        LORA_QUEUE: redis.url,
      };
      rmSync(path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${CHAIN_ID}`), { recursive: true, force: true });
      rmSync(WORK_DIR, { recursive: true, force: true });
      node = await startHardhatNode(port, CHAIN_ID);
    });

    after(function () {
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
      stopProcessGroup(node);
      rmSync(path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${CHAIN_ID}`), { recursive: true, force: true });
      rmSync(WORK_DIR, { recursive: true, force: true });
    });

    it("survives a killed worker, a Redis restart and a killed submitter, recording every checkpoint once", async function () {
      const deployed = await runNodeCli(
        HARDHAT_CLI,
        ["ignition", "deploy", "deploy/modules/LoraLedger.ts", "--network", "localhost"],
        environment,
        { input: "y\n" },
      );
      expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
      const address = recordedRegistryAddress(CHAIN_ID) ?? "";

      for (const name of ["w1", "w2"]) {
        const worker = background(
          ["--import", "tsx", "scripts/worker.ts", "--redis", redis.url, "--lock-seconds", "3", "--name", name],
          environment,
        );
        workers.push(worker);
        await waitFor(`worker ${name} to start`, () => /waiting for jobs/.test(worker.output()));
      }
      const [w1, w2] = workers as [Background, Background];
      const submit = (): Background =>
        background([HARDHAT_CLI, "run", "scripts/prove-and-submit.ts", "--network", "localhost"], environment);

      const first = submit();
      // Worker 1 is killed in the middle of its first checkpoint proof: its job must be taken over.
      const taken = await waitFor("worker 1 to start a checkpoint", () => {
        const match = /run 1: (steps \d+\.\.\d+) \(\S+, job (\S+), attempt/.exec(w1.output());
        return match === null ? undefined : { label: match[1] ?? "", jobId: match[2] ?? "" };
      });
      w1.child.kill("SIGKILL");
      // Redis restarts while the run goes on: the submitter and worker 2 wait for it and carry on.
      await waitFor("a checkpoint proof to arrive", () => /steps \d+\.\.\d+: proof in/.test(first.output()));
      await redis.restart();
      const arrivedBefore = (first.output().match(/: proof in/g) ?? []).length;
      // The submitter is killed once one more proof has arrived after the restart, then started again.
      await waitFor(
        "one more proof after the restart",
        () => (first.output().match(/: proof in/g) ?? []).length > arrivedBefore || first.child.exitCode !== null,
      );
      if (first.child.exitCode === null) first.child.kill("SIGKILL");
      await first.exited;
      const second = submit();
      const code = await second.exited;
      expect(code, second.output()).to.equal(0);
      expect(second.output()).to.match(/resuming run 1/);

      // The job worker 1 was killed in the middle of was finished by worker 2.
      expect(w2.output()).to.include(`job ${taken.jobId}`);
      expect(w2.output()).to.match(new RegExp(`run 1: ${taken.label.replace(/\./g, "\\.")} proven in`));

      const provider = new JsonRpcProvider(url);
      const registry = LoraLedgerRegistryV2__factory.connect(address, provider);
      const run = await registry.getRun(1n);
      expect(run.nextStep).to.equal(6n);
      expect(await registry.runCount()).to.equal(1n);
      const events = await registry.queryFilter(
        registry.filters.CheckpointVerified(1n),
        Number(await registry.deploymentBlock()),
      );
      expect(events.map((event) => event.args.firstStep)).to.deep.equal([0n, 2n, 4n]);
      provider.destroy();

      const status = await queueStatus(redis.url);
      const failed = status.reduce((sum, entry) => sum + entry.counts.failed, 0);
      expect(failed, JSON.stringify(status)).to.equal(0);
      expect(status.find((entry) => entry.run.endsWith("run 1"))?.counts.completed).to.equal(3);
    });
  });
});
