// End to end on a real `npx hardhat node` on 127.0.0.1: deploy with Ignition, prove and submit a
// version-2 run to LoraLedgerRegistryV2 (projection, canonical start, checkpoints of k = 2 steps, merge
// blocks), kill the submitter in the middle of the run, start it again, and check that nothing was lost
// or doubled.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { recordedRegistryAddress } from "../../src/hardhat/index.js";
import { getInstance, PROJECT_ROOT } from "../../src/node/index.js";
import { canonicalInit, checkpointShapeOf, readDatasetUri, toHex32 } from "../../src/protocol/index.js";
import { runEvaluations } from "../../src/chain/index.js";
import { loadRunConfig, loadTask } from "../../src/training/index.js";
import { LoraLedgerRegistryV2__factory } from "../../types/ethers-contracts/index.js";
import {
  freePort,
  HARDHAT_CLI,
  runNodeCli,
  startHardhatNode,
  stopProcessGroup,
  type Finished,
} from "../helpers/processes.js";

const CHAIN_ID = 31338n; // its own chain id, so its Ignition records never mix with a developer's node
const WORK_DIR = path.join(PROJECT_ROOT, "build", "e2e-runs");

function hardhat(
  args: string[],
  environment: NodeJS.ProcessEnv,
  onStderr?: (text: string, child: ChildProcess) => void,
  input = "",
): Promise<Finished> {
  return runNodeCli(HARDHAT_CLI, args, environment, { onStderr, input });
}

describe("end to end on npx hardhat node (127.0.0.1)", function () {
  let node: ChildProcess | undefined;
  let environment: NodeJS.ProcessEnv;
  let url: string;

  before(async function () {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    environment = {
      ...process.env,
      LORA_LOCALHOST_URL: url,
      LORA_WORK_DIR: WORK_DIR,
      LORA_STEPS: "5",
      LORA_NEW_RUN: "false",
    };
    rmSync(path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${CHAIN_ID}`), { recursive: true, force: true });
    rmSync(WORK_DIR, { recursive: true, force: true });
    node = await startHardhatNode(port, CHAIN_ID);
  });

  after(function () {
    stopProcessGroup(node);
    rmSync(path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${CHAIN_ID}`), { recursive: true, force: true });
  });

  it("deploys with Ignition, survives a killed submitter, and answers queries", async function () {
    // Ignition asks to confirm a deployment to a non-simulated network: answer as a person would.
    const deployed = await hardhat(
      ["ignition", "deploy", "deploy/modules/LoraLedger.ts", "--network", "localhost"],
      environment,
      undefined,
      "y\n",
    );
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
    const address = recordedRegistryAddress(CHAIN_ID);
    expect(address, "Ignition records the version-2 registry's address for the chain").to.be.a("string");

    // First attempt: killed right after the proof of the checkpoint of steps 2..3 is written, before
    // it is submitted (the projection, the run's start and the first checkpoint are on-chain by then).
    const killed = await hardhat(
      ["run", "scripts/prove-and-submit.ts", "--network", "localhost"],
      environment,
      (stderr, child) => {
        if (/steps 2\.\.3: proof in/.test(stderr) && child.exitCode === null && !child.killed) child.kill("SIGKILL");
      },
    );
    expect(killed.signal, killed.stderr).to.equal("SIGKILL");
    expect(killed.stderr).to.match(/training 6 steps \(5 steps asked, rounded up to whole checkpoints of 2 steps\)/);

    const provider = new JsonRpcProvider(url);
    const registry = LoraLedgerRegistryV2__factory.connect(address ?? "", provider);
    const afterKill = await registry.getRun(1n);
    expect(afterKill.nextStep).to.equal(2n);
    expect(afterKill.projectionId).to.not.equal(0n);
    // Evaluations are reported once the run's steps are on-chain: none from the killed attempt.
    expect(await runEvaluations(registry, 1n)).to.deep.equal([]);

    // Second attempt: resumes run 1 from the chain's head and reuses the proof file of steps 2..3.
    const resumed = await hardhat(["run", "scripts/prove-and-submit.ts", "--network", "localhost"], environment);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/resuming run 1/);
    expect(resumed.stderr).to.not.match(/projection block 1\/1: proving|run start: proving/);
    expect(resumed.stdout).to.match(/complete on-chain before this attempt/);
    expect(resumed.stdout).to.match(/\n\s+0-1 .* on-chain\n\s+2-3 .* kept file\n\s+4-5 .* new\n/);
    expect(await registry.runCount()).to.equal(1n);
    const run = await registry.getRun(1n);
    expect(run.nextStep).to.equal(6n);
    // It ends with the merge of the final adapter (LORA_MERGE defaults to true), recorded once.
    expect(resumed.stdout).to.match(/submitMergeBlock gas \d+/);
    const merge = await registry.mergeOf(run.head);
    expect(merge.mergedRoot).to.not.equal(0n);
    // stdout is the answer: Hardhat's one blank line, then no blank line of ours before it.
    expect(resumed.stdout).to.match(/^\n?Base projection/);
    expect(resumed.stdout).to.match(
      /The registry says: adapter 0x[0-9a-f]{64} was produced by verified training, run 1 after 6 steps,/,
    );

    // What the trainer takes home, beside the proofs: the adapter, the merged weights, a manifest.
    const runDirectory = path.join(WORK_DIR, `chain-${CHAIN_ID}`, (address ?? "").toLowerCase(), "run-1");
    const takeHome = (name: string): Record<string, unknown> =>
      JSON.parse(readFileSync(path.join(runDirectory, name), "utf8")) as Record<string, unknown>;
    const adapterFile = takeHome("adapter.json");
    expect(adapterFile.commitment).to.equal(toHex32(run.head));
    expect(adapterFile.encoding).to.equal("fixed");
    const mergedFile = takeHome("merged.json");
    expect(mergedFile.merged_root).to.equal(toHex32(merge.mergedRoot));
    const manifest = takeHome("manifest.json");
    expect(manifest).to.include({
      chain_id: String(CHAIN_ID),
      registry: address,
      run_id: "1",
      steps: "6",
      base_root: toHex32(run.baseRoot),
      dataset_root: toHex32(run.datasetRoot),
    });
    expect(manifest.adapter).to.deep.equal({ file: "adapter.json", commitment: toHex32(run.head) });
    expect((manifest.checkpoints as { adapter_after: string }[]).map((entry) => entry.adapter_after)).to.have.length(3);

    // The story beside the proofs: the dataset was registered with the generated task's card, and the
    // trainer reported the held-out error at the start and after 6 steps, as the manifest says, marked
    // as not proven. The start's value is the reference's own measure of the canonical start.
    const shape = checkpointShapeOf(getInstance("lora_checkpoint_8x8_r2_b2_d4_k2"));
    const task = loadTask(shape, loadRunConfig({ LORA_STEPS: "5" }));
    const dataset = await registry.getDataset(run.datasetRoot);
    expect(readDatasetUri(dataset.uri)).to.deep.equal({
      kind: "card",
      card: { schema: "lora-ledger/dataset-card@1", ...task.card },
    });
    expect(task.card?.examples).to.equal(Number(dataset.size));
    const reported = await runEvaluations(registry, 1n);
    const signer = await provider.getSigner(0);
    expect(reported.map((entry) => [entry.steps, entry.metric, entry.reporter])).to.deep.equal([
      [0n, "mean squared error", await signer.getAddress()],
      [6n, "mean squared error", await signer.getAddress()],
    ]);
    const start = task.evaluation?.measure(canonicalInit(1n, shape));
    expect([reported[0]?.numerator, reported[0]?.denominator]).to.deep.equal([start?.numerator, start?.denominator]);
    expect(manifest.reported_evaluations).to.deep.include({ metric: "mean squared error", proven: false });
    expect(
      (manifest.reported_evaluations as { points: { steps: string; numerator: string }[] }).points.map((point) => [
        point.steps,
        point.numerator,
      ]),
    ).to.deep.equal(reported.map((entry) => [String(entry.steps), String(entry.numerator)]));
    expect(resumed.stdout).to.match(
      /Mean squared error on 64 held-out examples of the generator, reported on-chain by the trainer \(its word, NOT proven; reportEvaluations gas \d+\):\n\s+start \d\.\d{4} → after 6 steps \d\.\d{4}\n/,
    );
    expect(readdirSync(runDirectory).filter((name) => name.endsWith(".tmp"))).to.deep.equal([]);

    // Every checkpoint once, in order, each starting from the previous head, with its proven loss.
    const events = await registry.queryFilter(
      registry.filters.CheckpointVerified(1n),
      Number(await registry.deploymentBlock()),
    );
    expect(events.map((event) => [event.args.firstStep, event.args.steps])).to.deep.equal([
      [0n, 2n],
      [2n, 2n],
      [4n, 2n],
    ]);
    expect(events[0]?.args.adapterBefore).to.equal(run.adapterStart);
    for (let index = 1; index < events.length; index++) {
      expect(events[index]?.args.adapterBefore).to.equal(events[index - 1]?.args.adapterAfter);
    }
    expect(events.every((event) => event.args.loss > 0n)).to.equal(true);

    // Running it again changes nothing: the run is complete.
    const again = await hardhat(["run", "scripts/prove-and-submit.ts", "--network", "localhost"], environment);
    expect(again.code, again.stderr).to.equal(0);
    expect((await registry.getRun(1n)).nextStep).to.equal(6n);
    expect(again.stdout).to.match(/recorded before this attempt/);
    expect(again.stdout).to.match(
      /Nothing to train: run 1 had its 6 steps on-chain already\. To train further, raise LORA_STEPS/,
    );
    // ... and reports nothing twice.
    expect(await runEvaluations(registry, 1n)).to.have.length(2);
    expect(again.stdout).to.match(/reported on-chain by the trainer \(its word, NOT proven\):\n/);

    // The adapter file asks the registry where the adapter came from.
    const fromFile = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_ADAPTER_FILE: path.join(runDirectory, "adapter.json"),
    });
    expect(fromFile.code, fromFile.stderr).to.equal(0);
    expect(fromFile.stdout).to.match(/was produced by verified training:\n\s+run 1 after 6 steps/);
    // ... and so do the PEFT files written beside it (safetensors read back exactly, instance from the config).
    const fromPeft = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_ADAPTER_FILE: path.join(runDirectory, "peft"),
    });
    expect(fromPeft.code, fromPeft.stderr).to.equal(0);
    expect(fromPeft.stdout).to.match(/was produced by verified training:\n\s+run 1 after 6 steps/);
    expect(fromPeft.stdout).to.include(toHex32(run.head));

    const history = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_RUN_ID: "1",
    });
    expect(history.code, history.stderr).to.equal(0);
    expect(history.stdout).to.match(/run 1: 6 verified steps in 3 checkpoints .*canonical start from seed 1/);
    expect(history.stdout).to.match(/steps 2\.\.3: mean loss \d+\.\d{5}/);
    expect(history.stdout).to.match(/loss curve: \d+\.\d{4} \d+\.\d{4} \d+\.\d{4}\n/);
    expect(history.stdout).to.match(
      /dataset: lora-ledger generated regression task, seed 1 \(CC0-1\.0; the registrant's card\)\n/,
    );
    expect(history.stdout).to.match(
      /reported by the trainer, NOT proven: mean squared error on 64 held-out examples of the generator: start \d\.\d{4}, after 6 steps \d\.\d{4}\n/,
    );
    expect(history.stdout).to.match(/merge of the adapter after 6 steps: merged root 0x[0-9a-f]{64}/);
    const provenance = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_ADAPTER: `0x${run.head.toString(16)}`,
    });
    expect(provenance.code, provenance.stderr).to.equal(0);
    expect(provenance.stdout).to.match(/was produced by verified training:\n\s+run 1 after 6 steps/);
    expect(provenance.stdout).to.match(/its merged weights W0 \+ alpha B A: merged root/);
    expect(provenance.stdout).to.match(/checked by lora_checkpoint_\w+ \(verifier 0x[0-9a-fA-F]{40}\)/);
    expect(provenance.stdout).to.match(
      /lineage, back to its canonical start:\n\s+run 1 after 6 of its 6 steps: .*canonical/,
    );
    const merged = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_MERGED_ROOT: `0x${merge.mergedRoot.toString(16)}`,
    });
    expect(merged.code, merged.stderr).to.equal(0);
    expect(merged.stdout).to.match(
      /merged weights W0 \+ alpha B A of adapter 0x[0-9a-f]{64}:\n\s+the adapter of run 1 after 6 steps/,
    );
    const runs = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], environment);
    expect(runs.code, runs.stderr).to.equal(0);
    expect(runs.stdout).to.match(/1 runs in registry .*\n\s+run 1: trainer 0x[0-9a-fA-F]{40}, 6 verified steps/);
    const unknown = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_ADAPTER: "0x1234",
    });
    expect(unknown.code).to.equal(14);
    expect(unknown.stdout).to.match(/NOT produced by any verified proof/);

    // Questions the registry cannot answer, and mistakes, are exit codes of their own, naming the fix.
    const noSuchRun = await hardhat(["run", "scripts/query.ts", "--network", "localhost"], {
      ...environment,
      LORA_RUN_ID: "99",
    });
    expect(noSuchRun.code).to.equal(14);
    expect(noSuchRun.stdout).to.match(
      /run 99 is NOT recorded in registry 0x[0-9a-fA-F]{40} \(chain 31338\): it has runs 1\.\.1/,
    );
    const usage = async (variables: NodeJS.ProcessEnv, args: string[], message: RegExp): Promise<void> => {
      const result = await hardhat(["run", "scripts/query.ts", ...args], { ...environment, ...variables });
      expect(result.code, result.stderr).to.equal(12);
      expect(result.stderr).to.match(message);
    };
    await usage({ LORA_RUN_ID: "abc" }, ["--network", "localhost"], /LORA_RUN_ID=abc: expected a run id/);
    await usage(
      { LORA_RUN_ID: "1", LORA_ADAPTER: "0x12" },
      ["--network", "localhost"],
      /LORA_RUN_ID and LORA_ADAPTER are both set/,
    );
    await usage({}, [], /no --network: Hardhat's in-process network starts empty/);
    const closed = await freePort();
    await usage(
      { LORA_LOCALHOST_URL: `http://127.0.0.1:${closed}` },
      ["--network", "localhost"],
      new RegExp(
        `cannot reach network localhost at http://127\\.0\\.0\\.1:${closed}: start one with \`npx hardhat node\``,
      ),
    );
    const withoutSepolia = { ...environment };
    delete withoutSepolia.SEPOLIA_RPC_URL;
    const sepolia = await hardhat(["run", "scripts/query.ts", "--network", "sepolia"], withoutSepolia);
    expect(sepolia.code, sepolia.stderr).to.equal(12);
    expect(sepolia.stderr).to.match(
      /--network sepolia needs SEPOLIA_RPC_URL, which is not set: store it with `npx hardhat keystore set SEPOLIA_RPC_URL`/,
    );
    provider.destroy();
  });
});
