// The registry explorer (explorer/) in real headless Chromium against a real `npx hardhat node` and
// LoraLedgerRegistryV2: the page before and after a deployment; run 1 recorded by prove-and-submit (base
// projection, canonical start, checkpoints, merge, the dataset card and the held-out evaluations it
// reports) and run 2 continuing it (its start and a checkpoint proven here with src/protocol, evaluations
// its trainer reports here); the runs, a run's lineage, checkpoints and loss curve, its merge, the base
// projections, the registrations (block count, size, every publisher's uri, dataset cards by name, a
// miscounting card and an invalid one flagged); a run's story (its dataset card, the proven loss beside
// the reported evaluations, the reports, marked not proven); provenance searches
// from dropped adapter files, pasted commitments and a pasted merged root (with a continued run's
// lineage); block times beside block numbers (each block read once), the runs' base model and dataset,
// hyperparameters in the clear and visible copy buttons; "verify again" of starts, checkpoints and merges
// in the browser; and the warnings once the runs' checkpoint verifier is retired.
// Run only this file: npx hardhat test mocha test/explorer/explorer.test.ts
import { spawn, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, ZeroAddress, type JsonRpcSigner } from "ethers";
import { chromium, type BrowserContext, type Locator, type Page, type Request as PageRequest } from "playwright-core";
import {
  formatEvaluation,
  meanLossOf,
  runEvaluations,
  registryCheckpointInputs,
  registryProof,
  circuitIdOf,
  REGISTRY_V2_FUTURE_ID as EXPLORER_REGISTRY_FUTURE_ID,
} from "../../src/chain/index.js";
import { recordedRegistryAddress, REGISTRY_V2_FUTURE_ID } from "../../src/hardhat/index.js";
import {
  adapterCommitment,
  buildCheckpointCircuitInput,
  decodeSafetensors,
  encodeSafetensors,
  PEFT_FILES,
  PEFT_LORA_A,
  DATASET_CARD_SCHEMA,
  datasetCardUri,
  decimalRecord,
  fromFixed,
  fromFixedMatrix,
  makeRunCheckpoint,
  orderedPublicSignals,
  runStartStatement,
  type Adapter,
  type DatasetCard,
  type MadeCheckpoint,
  type RunConfig,
} from "../../src/protocol/index.js";
import { noProgress, PROJECT_ROOT, proveWithInstance, releaseProverThreads } from "../../src/node/index.js";
import {
  generatedDatasetCard,
  loadRunConfig,
  loadTask,
  resolveRunInstances,
  TrainingSession,
  type RunInstances,
  type RunTask,
} from "../../src/training/index.js";
import { LoraLedgerRegistryV2__factory, type LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import { freePort, HARDHAT_CLI, runNodeCli, type Finished } from "../helpers/processes.js";

const CHAIN_ID = 31339n; // its own chain id: its Ignition records (deploy/deployments/chain-31339) never mix with a developer's
const CHROMIUM = "/usr/bin/chromium";
const VITE_CLI = path.join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js");
const DEPLOYMENT_DIR = path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${CHAIN_ID}`);
const ARTIFACTS = path.join(PROJECT_ROOT, "build", "test-artifacts", "explorer");
const SITE = path.join(ARTIFACTS, "site");
const WORK_DIR = path.join(ARTIFACTS, "runs");
const DOCS = path.join(PROJECT_ROOT, "docs");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Hardhat's first account: prove-and-submit's trainer and submitter (run 1). */
const SUBMITTER = 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n;
/** Run 1's steps per prove-and-submit call: one checkpoint alone (submitCheckpoint), then two in one submitCheckpoints. */
const FIRST_STEPS = 2n;
const RUN_ONE_STEPS = 6n;
/**
 * Where prove-and-submit (the registrant) says run 1's base model is; its dataset it registers with the
 * generated task's dataset card (no LORA_DATASET_URI).
 */
const REGISTRANT_MODEL_URI = "https://models.example/lora-ledger/base-model.json";
/** Where account 2 says they are: a publisher other than the registrant (a link: shown, never fetched). */
const MIRROR_MODEL_URI = "https://mirror.example/lora-ledger/base-model.json";
const MIRROR_DATASET_URI = "https://mirror.example/lora-ledger/dataset.json";
/** Account 3's datasets (no run): a card whose example count is not the registered size, and a data: URI that is no card. */
const MISCOUNTING = {
  treeRoot: 1001n,
  size: 16n,
  card: { name: "a card that miscounts its examples", license: "MIT", examples: 15 },
};
const NOT_A_CARD = {
  treeRoot: 1002n,
  size: 8n,
  uri: `data:application/json;base64,${Buffer.from(JSON.stringify({ schema: DATASET_CARD_SCHEMA, name: "a card without a licence", examples: 8 })).toString("base64")}`,
};
/** What run 2's trainer (account 1) reports of it here: its word, which the registry does not check. */
const RUN_TWO_SPLIT = "8 examples the test made up";

/** A long-running child in its own process group, its output kept (and drained, so it never blocks). */
interface Service {
  name: string;
  child: ChildProcess;
  output: () => string;
}

function startService(name: string, args: string[], environment: NodeJS.ProcessEnv): Service {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: environment,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { name, child, output: () => output };
}

async function stopService(service: Service): Promise<void> {
  const { child } = service;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion (Hardhat or Vite CLI). */
function run(cli: string, args: string[], environment: NodeJS.ProcessEnv, input = ""): Promise<Finished> {
  return runNodeCli(cli, args, environment, { input });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  service: Service,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (service.child.exitCode !== null)
      throw new Error(`${service.name} exited (${service.child.exitCode}) before ${what}:\n${service.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Chromium processes started with our profile directory: found by their command line, ended by pid. */
function chromiumPids(userDataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(userDataDir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** "1 block", "2 blocks": a count as the page writes it. */
const counted = (count: bigint, word: string): string => `${count} ${word}${count === 1n ? "" : "s"}`;
const hex64 = (value: bigint): string => `0x${value.toString(16).padStart(64, "0")}`;

/**
 * A screenshot kept in the test's artifacts, and copied to docs/ (where README.md and docs/EXPLORER.md
 * show it) only with LORA_UPDATE_DOCS_SCREENSHOT=1, so a test run leaves the tree clean.
 */
async function keepScreenshot(target: Page | Locator, file: string, docsFile?: string): Promise<void> {
  const artifact = path.join(ARTIFACTS, file);
  await target.screenshot({ path: artifact, ...("goto" in target ? { fullPage: true } : {}) });
  if (docsFile !== undefined && process.env.LORA_UPDATE_DOCS_SCREENSHOT === "1")
    copyFileSync(artifact, path.join(DOCS, docsFile));
}

describe("registry explorer in headless Chromium (explorer/)", function () {
  const services: Service[] = [];
  let context: BrowserContext | undefined;
  let page: Page;
  let userDataDir: string | undefined;
  let rpcUrl: string;
  let siteUrl: string;
  let environment: NodeJS.ProcessEnv;
  let provider: JsonRpcProvider | undefined;
  let registry: LoraLedgerRegistryV2;
  /** prove-and-submit's own setup of run 1 (its task, base, activated dataset, projection, canonical start) */
  let session: TrainingSession;
  /** the run's checkpoint, start, projection and merge-block instances, as prove-and-submit resolves them */
  let instances: RunInstances;
  /** prove-and-submit's task (the generated one): its held-out evaluation */
  let task: RunTask;
  /** the dataset card prove-and-submit registers run 1's dataset with (src/training's generatedDatasetCard) */
  let datasetCard: Omit<DatasetCard, "schema">;
  const pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing (${CHROMIUM}): the explorer test drives Debian's chromium with playwright-core (Playwright's own browser download does not work here). Install it: apt-get update && apt-get install -y chromium`,
      );
    }
    expect(EXPLORER_REGISTRY_FUTURE_ID, "the explorer names the registry as src/hardhat/deployment.ts does").to.equal(
      REGISTRY_V2_FUTURE_ID,
    );
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });

    const [nodePort, sitePort] = [await freePort(), await freePort()];
    rpcUrl = `http://127.0.0.1:${nodePort}`;
    siteUrl = `http://127.0.0.1:${sitePort}/`;
    environment = {
      ...process.env,
      LORA_LOCALHOST_URL: rpcUrl,
      LORA_WORK_DIR: WORK_DIR,
      LORA_EXPLORER_RPC: rpcUrl,
      LORA_MODEL_URI: REGISTRANT_MODEL_URI,
    };

    const node = startService(
      "hardhat node",
      [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(nodePort), "--chain-id", String(CHAIN_ID)],
      environment,
    );
    services.push(node);
    // The production build of the page (snarkjs's browser build included), served by `vite preview`
    // with the plugin's middleware (deployments read live).
    const built = await run(
      VITE_CLI,
      ["build", "--config", "explorer/vite.config.ts", "--outDir", SITE, "--logLevel", "warn"],
      environment,
    );
    expect(built.code, built.stderr + built.stdout).to.equal(0);
    const preview = startService(
      "vite preview",
      [
        VITE_CLI,
        "preview",
        "--config",
        "explorer/vite.config.ts",
        "--outDir",
        SITE,
        "--host",
        "127.0.0.1",
        "--port",
        String(sitePort),
        "--strictPort",
      ],
      environment,
    );
    services.push(preview);

    provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
    const rpc = provider;
    await waitFor(
      "the hardhat node",
      async () => (await rpc.send("eth_chainId", [])) === `0x${CHAIN_ID.toString(16)}`,
      node,
    );
    await waitFor("vite preview", async () => (await fetch(`${siteUrl}lora-data/ledger.json`)).ok, preview);

    userDataDir = mkdtempSync(path.join(tmpdir(), "lora-explorer-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: DESKTOP,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  after(async function () {
    await releaseProverThreads();
    provider?.destroy();
    if (context !== undefined) {
      await Promise.race([
        context.close().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 10_000)),
      ]);
    }
    if (userDataDir !== undefined) {
      for (const pid of chromiumPids(userDataDir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      rmSync(userDataDir, { recursive: true, force: true });
    }
    for (const service of services.reverse()) await stopService(service);
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
  });

  async function statusText(url: string): Promise<string> {
    await page.goto(url);
    const status = page.locator("#status .notice");
    await status.first().waitFor();
    return status.first().innerText();
  }

  it("says what to do when the RPC is unreachable, the chain is wrong, or no deployment is recorded", async function () {
    const closed = await freePort();
    const unreachable = await statusText(`${siteUrl}?rpc=${encodeURIComponent(`http://127.0.0.1:${closed}`)}`);
    expect(unreachable).to.contain("JSON-RPC unreachable").and.to.contain("npx hardhat node");

    const wrongChain = await statusText(`${siteUrl}?chain=1`);
    expect(wrongChain).to.contain("Wrong chain").and.to.contain(`serves chain ${CHAIN_ID}`);

    const notDeployed = await statusText(siteUrl);
    expect(notDeployed).to.contain(`No deployment recorded for chain ${CHAIN_ID}`);
    expect(notDeployed).to.contain("npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network localhost");
    expect(await page.locator("#content").isHidden()).to.equal(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "no-deployment.png") });
  });

  /** The whole values behind the shortened hashes and commitments of `locator` (their data-full), in order. */
  async function fullValues(locator: ReturnType<Page["locator"]>): Promise<(string | null)[]> {
    return locator
      .locator("code.hash")
      .evaluateAll((codes: { getAttribute(name: string): string | null }[]) =>
        codes.map((code) => code.getAttribute("data-full")),
      );
  }

  /** Run 1's checkpoint from `firstStep` with `config` and `adapter`, as prove-and-submit makes it (src/protocol). */
  function checkpointOf(config: RunConfig, adapter: Adapter, firstStep: bigint, submitter: bigint): MadeCheckpoint {
    return makeRunCheckpoint(session.setup, { shape: session.shape, config, adapter, firstStep, submitter });
  }

  function adapterAfter(made: MadeCheckpoint): Adapter {
    const last = made.witness.adapters.at(-1);
    if (last === undefined) throw new Error("a checkpoint has its adapters");
    return last;
  }

  /** Run 1's adapter after `steps` steps, replayed from its canonical start. */
  function runOneAdapter(steps: bigint): Adapter {
    let adapter = session.start;
    for (let first = 0n; first < steps; first += BigInt(session.shape.steps))
      adapter = adapterAfter(checkpointOf(session.setup.config, adapter, first, SUBMITTER));
    return adapter;
  }

  /**
   * Run `runId`'s adapter after `steps` steps, as the chain recorded it: its start, else the adapterAfter
   * of the CheckpointVerified event that ended at `steps` (the registry keeps only each run's head).
   */
  async function recordedAdapter(runId: bigint, steps: bigint): Promise<bigint> {
    if (steps === 0n) return (await registry.getRun(runId)).adapterStart;
    const events = await registry.queryFilter(
      registry.filters.CheckpointVerified(runId),
      Number(await registry.deploymentBlock()),
    );
    const ending = events.find((event) => event.args.firstStep + event.args.steps === steps);
    if (ending === undefined) throw new Error(`no checkpoint of run ${runId} ends at ${steps} steps`);
    return ending.args.adapterAfter;
  }

  it("deploys with Ignition, records run 1 with prove-and-submit and run 2 continuing it after 2 steps", async function () {
    const deployed = await run(
      HARDHAT_CLI,
      ["ignition", "deploy", "deploy/modules/LoraLedger.ts", "--network", "localhost"],
      environment,
      "y\n",
    );
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
    const address = recordedRegistryAddress(CHAIN_ID);
    expect(address, "Ignition records the version-2 registry's address for the chain").to.be.a("string");
    registry = LoraLedgerRegistryV2__factory.connect(address ?? "", provider);

    // Run 1: the projection, the canonical start and steps 0–1 alone (submitCheckpoint), no merge; then
    // steps 2–5 as two checkpoints in one transaction (submitCheckpoints) and the merge of the adapter
    // after 6 steps (submitMergeBlock), the run's only one.
    const first = await run(HARDHAT_CLI, ["run", "scripts/prove-and-submit.ts", "--network", "localhost"], {
      ...environment,
      LORA_STEPS: String(FIRST_STEPS),
      LORA_MERGE: "false",
    });
    expect(first.code, first.stderr).to.equal(0);
    const rest = await run(HARDHAT_CLI, ["run", "scripts/prove-and-submit.ts", "--network", "localhost"], {
      ...environment,
      LORA_STEPS: String(RUN_ONE_STEPS),
      LORA_SUBMIT_BATCH: "2",
      LORA_MERGE: "true",
    });
    expect(rest.code, rest.stderr).to.equal(0);
    const runOne = await registry.getRun(1n);
    expect(runOne.nextStep).to.equal(RUN_ONE_STEPS);
    expect(
      (await registry.mergeOf(await recordedAdapter(1n, FIRST_STEPS))).recorder,
      "no merge after 2 steps",
    ).to.equal(ZeroAddress);
    expect((await registry.mergeOf(runOne.head)).recorder, "the merge after 6 steps").to.not.equal(ZeroAddress);

    // Account 2 publishes where it says run 1's base model and dataset are: the same roots (registration
    // is idempotent), another publisher's uri.
    if (provider === undefined) throw new Error("no provider");
    const mirror = registry.connect(await provider.getSigner(2));
    const [model, dataset] = [
      await registry.getBaseModel(runOne.baseRoot),
      await registry.getDataset(runOne.datasetRoot),
    ];
    await (await mirror.registerBaseModel(model.treeRoot, model.blocks, MIRROR_MODEL_URI)).wait();
    await (await mirror.registerDataset(dataset.treeRoot, dataset.size, MIRROR_DATASET_URI)).wait();
    expect((await registry.getBaseModel(runOne.baseRoot)).registrant, "the registrant stays").to.equal(
      model.registrant,
    );
    // Account 3 registers two datasets of its own: a card that says 15 examples of a dataset of 16, and a
    // data: URI that is no valid card (registerDataset checks nothing in a uri).
    const third = registry.connect(await provider.getSigner(3));
    await (
      await third.registerDataset(MISCOUNTING.treeRoot, MISCOUNTING.size, datasetCardUri(MISCOUNTING.card))
    ).wait();
    await (await third.registerDataset(NOT_A_CARD.treeRoot, NOT_A_CARD.size, NOT_A_CARD.uri)).wait();

    // Run 2: account 1 continues run 1's adapter after 2 steps with twice its α (LoraRunStart from a
    // verified head), and proves one checkpoint; prove-and-submit's own setup gives the same task.
    const continuer: JsonRpcSigner = await provider.getSigner(1);
    const config = loadRunConfig(environment);
    instances = resolveRunInstances(config);
    task = loadTask(instances.checkpoint.params, config);
    datasetCard = generatedDatasetCard(task, config.seed);
    expect(dataset.uri, "prove-and-submit registers the dataset with the task's card").to.equal(
      datasetCardUri(datasetCard),
    );
    session = new TrainingSession({
      registry,
      signer: continuer,
      chainId: CHAIN_ID,
      instances,
      task,
      config,
      progress: noProgress,
    });
    const parent = runOneAdapter(FIRST_STEPS);
    const parentHead = adapterCommitment(parent.a, parent.b, session.shape);
    expect(parentHead, "the replay gives run 1's adapter after 2 steps").to.equal(
      await recordedAdapter(1n, FIRST_STEPS),
    );
    const parentProvenance = await registry.provenanceOf(parentHead);
    expect(
      [parentProvenance.runId, parentProvenance.steps],
      "the parent is the adapter's first producer",
    ).to.deep.equal([1n, FIRST_STEPS]);
    const continued: RunConfig = { ...session.setup.config, alpha: session.setup.config.alpha * 2n };
    const statement = runStartStatement(continued, { parentHead });
    const started = await proveWithInstance(instances.start.name, decimalRecord(statement));
    expect(started.publicSignals).to.deep.equal(orderedPublicSignals("LoraRunStart", statement).map(String));
    const asContinuer = registry.connect(continuer);
    await (
      await asContinuer.startRun(
        {
          baseRoot: continued.baseRoot,
          datasetRoot: continued.datasetRoot,
          alpha: continued.alpha,
          lr: continued.lr,
          startCircuitId: circuitIdOf(instances.start.name),
          checkpointCircuitId: circuitIdOf(instances.checkpoint.name),
          runConfig: statement.runConfig,
          adapterStart: parentHead,
          seed: 0n,
          continued: true,
        },
        registryProof(started.proof),
      )
    ).wait();
    // Its trainer reports evaluations of its start, two (metric, split) pairs: the page shows them before
    // any checkpoint, with no proven loss yet.
    await (
      await asContinuer.reportEvaluations(2n, [
        { steps: 0n, numerator: 3n, denominator: 8n, metric: "accuracy", split: RUN_TWO_SPLIT },
        { steps: 0n, numerator: 1n, denominator: 4n, metric: "mean squared error", split: RUN_TWO_SPLIT },
      ])
    ).wait();
    // (a goto that changes only the #hash would not load the page again)
    await page.goto("about:blank");
    await page.goto(`${siteUrl}#run=2`);
    const startOnly = page.locator("#run [data-testid=run-story]");
    await startOnly.locator("tr[data-evaluation]").nth(1).waitFor();
    expect(await startOnly.locator("polygon.reported-point").count(), "the reported start on the curve").to.equal(1);
    expect(await startOnly.locator("circle.point").count(), "no proven loss yet").to.equal(0);
    expect(await startOnly.locator("[data-testid=curve-legend] li[data-series=proven]").innerText()).to.contain(
      "no verified checkpoint yet",
    );

    const made = checkpointOf(continued, parent, 0n, BigInt(await continuer.getAddress()));
    const proven = await proveWithInstance(
      instances.checkpoint.name,
      buildCheckpointCircuitInput(made.statement, made.witness),
    );
    await (
      await asContinuer.submitCheckpoint(
        2n,
        made.statement.adapterAfter,
        made.statement.loss,
        registryProof(proven.proof),
      )
    ).wait();
    const runTwo = await registry.getRun(2n);
    expect(runTwo.nextStep).to.equal(BigInt(session.shape.steps));
    expect([runTwo.parentRunId, runTwo.parentSteps], "the registry names the parent").to.deep.equal([1n, FIRST_STEPS]);
    await (
      await asContinuer.reportEvaluations(2n, [
        { steps: runTwo.nextStep, numerator: 5n, denominator: 8n, metric: "accuracy", split: RUN_TWO_SPLIT },
      ])
    ).wait();
  });

  /** A lineage table's rows: run, the step count it continues from, and whether its verifier is retired. */
  async function lineageRows(
    lineage: Locator,
  ): Promise<{ run: string | null; steps: string | null; retired: string | null }[]> {
    return lineage.locator("tr[data-run]").evaluateAll((rows: { getAttribute(name: string): string | null }[]) =>
      rows.map((row) => ({
        run: row.getAttribute("data-run"),
        steps: row.getAttribute("data-steps"),
        retired: row.getAttribute("data-retired"),
      })),
    );
  }

  it("lists the runs with their configuration and start, a continued run's lineage, and the base projection", async function () {
    await page.goto(siteUrl);
    const connected = page.locator("[data-testid=connected]");
    await connected.waitFor();
    expect(await connected.innerText()).to.contain(`Chain ${CHAIN_ID}`);
    const [runOne, runTwo] = [await registry.getRun(1n), await registry.getRun(2n)];
    const F = session.shape.F;

    // Columns: run, trainer, start, checkpoint instance (k and shape under its name), α, lr, steps, base
    // model, dataset, head (the last four's whole values in their data-full).
    const rowOne = page.locator("#runs tr[data-run='1']");
    await rowOne.waitFor();
    const cellsOne = (await rowOne.locator("td").allInnerTexts()).map((text) => text.trim());
    expect([cellsOne[2], ...cellsOne.slice(4, 7), cellsOne[9]]).to.deep.equal([
      `canonical start, seed ${runOne.seed}`,
      String(fromFixed(runOne.alpha, F)),
      String(fromFixed(runOne.lr, F)),
      String(RUN_ONE_STEPS),
      hex64(runOne.head).slice(0, 10) + "…" + hex64(runOne.head).slice(-6),
    ]);
    expect(await rowOne.locator("td[data-label='Checkpoint instance'] .circuit").innerText()).to.equal(
      instances.checkpoint.name,
    );
    expect(await fullValues(rowOne)).to.deep.equal([
      runOne.trainer,
      hex64(runOne.baseRoot),
      hex64(runOne.datasetRoot),
      hex64(runOne.head),
    ]);
    const rowTwo = page.locator("#runs tr[data-run='2']");
    const cellsTwo = await rowTwo.locator("td").allInnerTexts();
    expect(cellsTwo[2]).to.equal(`continues run 1 after ${FIRST_STEPS} steps`);
    expect(cellsTwo[4]).to.equal(String(fromFixed(runTwo.alpha, F)));
    expect(runTwo.alpha).to.equal(runOne.alpha * 2n);

    // The newest run opens first: run 2, with its lineage back to run 1's canonical start: each run's
    // start, base model (its block count), dataset (its size), α, lr and step count.
    const lineage = page.locator("#run [data-testid=lineage]");
    await lineage.locator("tr[data-run='1']").waitFor();
    expect(await lineageRows(lineage)).to.deep.equal([
      { run: "2", steps: String(runTwo.nextStep), retired: "false" },
      { run: "1", steps: String(FIRST_STEPS), retired: "false" },
    ]);
    const { blocks } = await registry.getBaseModel(runOne.baseRoot);
    const { size } = await registry.getDataset(runOne.datasetRoot);
    const lineageCells = async (runId: bigint) =>
      (await lineage.locator(`tr[data-run='${runId}'] td`).allInnerTexts()).map((text) => text.trim());
    const [lineageTwo, lineageOne] = [await lineageCells(2n), await lineageCells(1n)];
    expect(lineageTwo.slice(0, 2)).to.deep.equal(["Run 2", `continues run 1 after ${FIRST_STEPS} steps`]);
    expect(lineageOne.slice(0, 2)).to.deep.equal(["Run 1", `canonical start, seed ${runOne.seed}`]);
    for (const [cells, run] of [
      [lineageTwo, runTwo],
      [lineageOne, runOne],
    ] as const) {
      expect(cells[2]).to.contain(counted(blocks, "block"));
      expect(cells[3]).to.contain(counted(size, "example"));
      expect(cells.slice(4, 6)).to.deep.equal([String(fromFixed(run.alpha, F)), String(fromFixed(run.lr, F))]);
      expect(cells[7]).to.equal("active");
    }
    expect(lineageTwo[6]).to.equal(`${runTwo.nextStep} steps`);
    expect(lineageOne[6]).to.equal(`${FIRST_STEPS} steps of ${RUN_ONE_STEPS} verified`);
    expect(await fullValues(lineage.locator("tr[data-run='2']"))).to.deep.equal([
      hex64(runTwo.baseRoot),
      hex64(runTwo.datasetRoot),
    ]);
    expect(await page.locator("#run tr[data-part=checkpoint]").count()).to.equal(1);
    await keepScreenshot(page.locator("#run"), "lineage.png", "explorer-lineage.png");

    // Run 1: its checkpoints as the CheckpointVerified events say, and their proven loss.
    await rowOne.locator("td").nth(6).click();
    await page.locator("#run .card-head h2", { hasText: "Run 1" }).waitFor();
    const events = await registry.queryFilter(
      registry.filters.CheckpointVerified(1n),
      Number(await registry.deploymentBlock()),
    );
    expect(events).to.have.length(3);
    await page.locator("#run tr[data-part=checkpoint]").nth(2).waitFor();
    expect(await page.locator("#run tr[data-part=checkpoint]").count()).to.equal(3);
    const expectedCurve: { steps: string; loss: number }[] = [];
    for (const { args, blockNumber, transactionHash } of events) {
      const steps = args.firstStep + args.steps;
      const row = page.locator(`#run tr[data-part=checkpoint][data-steps='${steps}']`);
      expect(await fullValues(row)).to.deep.equal([
        hex64(args.adapterBefore),
        hex64(args.adapterAfter),
        args.submitter,
        transactionHash,
      ]);
      const cells = await row.locator("td").allInnerTexts();
      expect(cells[0]).to.equal(`steps ${args.firstStep}–${steps - 1n}`);
      expect(await row.locator("td[data-label=Block] .block-number").innerText()).to.equal(String(blockNumber));
      expect(await row.locator(".loss").getAttribute("title")).to.contain(`proven Σ E² = ${args.loss}`);
      const meanLoss = meanLossOf(instances.checkpoint, args.steps, args.loss);
      if (meanLoss === undefined) throw new Error("the checkpoint instance is this checkout's");
      expectedCurve.push({ steps: String(steps), loss: meanLoss });
    }
    const points = await page
      .locator("[data-testid=loss-curve] circle.point")
      .evaluateAll((circles: { getAttribute(name: string): string | null }[]) =>
        circles.map((circle) => ({ steps: circle.getAttribute("data-steps"), loss: circle.getAttribute("data-loss") })),
      );
    expect(points.map((point) => point.steps)).to.deep.equal(expectedCurve.map((point) => point.steps));
    points.forEach((point, index) => expect(Number(point.loss)).to.equal(expectedCurve[index]?.loss));
    await keepScreenshot(page.locator("[data-testid=loss-curve]"), "loss-curve.png", "explorer-loss-curve.png");

    // Its merge, from its MergeVerified event: the adapter after 6 steps.
    const merges = await registry.queryFilter(
      registry.filters.MergeVerified(1n),
      Number(await registry.deploymentBlock()),
    );
    expect(merges).to.have.length(1);
    const [merge] = merges;
    if (merge === undefined) throw new Error("no MergeVerified event");
    const mergeRow = page.locator(`#run tr[data-part=merge][data-steps='${RUN_ONE_STEPS}']`);
    expect(await fullValues(mergeRow)).to.deep.equal([
      hex64(runOne.head),
      hex64(merge.args.mergedRoot),
      merge.args.recorder,
      merge.transactionHash,
    ]);
    expect(await mergeRow.locator("td strong").getAttribute("title")).to.equal(
      `proven with ${instances.mergeBlock?.name ?? "no merge-block instance"}`,
    );
    expect(await page.locator("#run .card-head").innerText())
      .to.contain("1 merge")
      .and.to.contain("3 checkpoints");

    // The base projection of the pair, complete, and the registrations.
    const projectionRows = page.locator("#projections tr[data-projection]");
    expect(await projectionRows.count()).to.equal(1);
    const [completed] = await registry.queryFilter(
      registry.filters.ProjectionCompleted(),
      Number(await registry.deploymentBlock()),
    );
    if (completed === undefined) throw new Error("no ProjectionCompleted event");
    expect(await projectionRows.first().getAttribute("data-projection")).to.equal("complete");
    expect(await fullValues(projectionRows.first())).to.deep.equal([
      hex64(runOne.baseRoot),
      hex64(runOne.datasetRoot),
      hex64(await registry.projectionOf(runOne.baseRoot, runOne.datasetRoot)),
      completed.transactionHash,
    ]);
    expect(await projectionRows.first().locator("td").last().innerText()).to.equal("#1, #2");
    await keepScreenshot(page.locator("#projections"), "projection.png", "explorer-projection.png");

    // The registrations: the block count and size (facts: the registry computed the roots from them), the
    // registrant's uri (the dataset's card as its name and licence), and account 2's.
    const mirror = (await provider?.getSigner(2))?.address;
    for (const { selector, root, rowCount, registered, count, registrantUri, registrantShown, mirrorUri } of [
      {
        selector: "#models",
        root: runOne.baseRoot,
        rowCount: 1,
        registered: await registry.getBaseModel(runOne.baseRoot),
        count: blocks,
        registrantUri: REGISTRANT_MODEL_URI,
        registrantShown: REGISTRANT_MODEL_URI,
        mirrorUri: MIRROR_MODEL_URI,
      },
      {
        selector: "#datasets",
        root: runOne.datasetRoot,
        // run 1's, and account 3's two
        rowCount: 3,
        registered: await registry.getDataset(runOne.datasetRoot),
        count: size,
        registrantUri: datasetCardUri(datasetCard),
        registrantShown: `${datasetCard.name} (${datasetCard.license})`,
        mirrorUri: MIRROR_DATASET_URI,
      },
    ]) {
      expect(await page.locator(`${selector} tbody tr`).count()).to.equal(rowCount);
      const row = page.locator(`${selector} tbody tr[data-root='${root}']`);
      const cells = (await row.locator("td").allInnerTexts()).map((text) => text.trim());
      expect(cells[1]).to.equal(String(count));
      expect(registered.uri, "getBaseModel/getDataset: the registrant's uri").to.equal(registrantUri);
      expect(cells[3], "the registrant's uri").to.equal(registrantShown);
      expect(cells[4]).to.contain(mirrorUri);
      expect(await fullValues(row.locator("[data-testid=other-uris]"))).to.deep.equal([mirror]);
      expect(await fullValues(row)).to.include(registered.registrant);
    }
    // Account 3's datasets: a card that miscounts (a warning, the registered size beside it) and a data:
    // URI that is no card (its reason).
    const datasetRows = new Map(
      (await registry.queryFilter(registry.filters.DatasetRegistered(), Number(await registry.deploymentBlock()))).map(
        (event) => [event.args.treeRoot, event.args.datasetRoot],
      ),
    );
    const datasetRow = (treeRoot: bigint): Locator =>
      page.locator(`#datasets tbody tr[data-root='${datasetRows.get(treeRoot) ?? "none"}']`);
    const miscounting = datasetRow(MISCOUNTING.treeRoot).locator('td[data-label="Registrant\'s URI"]');
    expect(await miscounting.locator("[data-uri-kind=card]").innerText()).to.contain(
      `${MISCOUNTING.card.name} (${MISCOUNTING.card.license})`,
    );
    expect(await miscounting.locator("[data-testid=size-mismatch]").innerText()).to.equal(
      `⚠ card says ${MISCOUNTING.card.examples} examples, registered ${MISCOUNTING.size}`,
    );
    const notACard = datasetRow(NOT_A_CARD.treeRoot).locator(
      'td[data-label="Registrant\'s URI"] [data-uri-kind=invalid]',
    );
    expect(await notACard.innerText())
      .to.contain("invalid dataset card")
      .and.to.contain("license");
    expect(
      await page.locator("#datasets [data-testid=size-mismatch]").count(),
      "only the miscounting card is flagged",
    ).to.equal(1);
    expect(await page.locator("#registrations").innerText(), "no card shown as its base64").to.not.contain("base64");
    await keepScreenshot(page.locator("#registrations"), "registrations.png", "explorer-registrations.png");
    const overview = await page.locator("#overview").innerText();
    expect(overview)
      .to.match(/2\s*runs/)
      .and.to.match(/8\s*verified steps/);
    expect(overview)
      .to.match(/1\s*recorded merges/)
      .and.to.match(/1\s*complete projections/)
      .and.to.match(/0\s*retired verifiers/);
  });

  /** The reported points of a run's curve: step count, value, metric and split (their data-*), in order. */
  async function reportedPoints(
    story: Locator,
  ): Promise<{ steps: string | null; value: string | null; metric: string | null; split: string | null }[]> {
    return story
      .locator("[data-testid=loss-curve] polygon.reported-point")
      .evaluateAll((points: { getAttribute(name: string): string | null }[]) =>
        points.map((point) => ({
          steps: point.getAttribute("data-steps"),
          value: point.getAttribute("data-value"),
          metric: point.getAttribute("data-metric"),
          split: point.getAttribute("data-split"),
        })),
      );
  }

  /**
   * The reports' table of a run's story against `runEvaluations` read from the node: one row per
   * EvaluationReported event, its adapter, metric, split, value (formatEvaluation, the exact fraction in
   * its title), reporter, block and transaction, each marked not proven.
   */
  async function expectReportsTable(story: Locator, runId: bigint): Promise<void> {
    const reported = await runEvaluations(registry, runId);
    const rows = story.locator("tr[data-evaluation]");
    expect(await rows.count(), `run ${runId}'s EvaluationReported events`).to.equal(reported.length);
    for (const [index, evaluation] of reported.entries()) {
      const row = rows.nth(index);
      expect(
        await row.evaluate((element: { getAttribute(name: string): string | null }) =>
          ["data-steps", "data-metric", "data-split", "data-value"].map((name) => element.getAttribute(name)),
        ),
      ).to.deep.equal([String(evaluation.steps), evaluation.metric, evaluation.split, String(evaluation.value)]);
      const cells = (await row.locator("td").allInnerTexts()).map((text) => text.trim());
      expect(cells.slice(0, 3)).to.deep.equal([
        evaluation.steps === 0n ? "start (0 steps)" : `after ${evaluation.steps} steps`,
        evaluation.metric,
        evaluation.split,
      ]);
      expect(cells[3]).to.contain(formatEvaluation(evaluation.metric, evaluation.value));
      expect(await row.locator(".evaluation-value").getAttribute("title")).to.equal(
        `exactly ${evaluation.numerator} / ${evaluation.denominator}, as reported`,
      );
      expect(cells[7]).to.equal("reported · not proven");
      expect(await row.locator("td[data-label=Block] .block-number").innerText()).to.equal(
        String(evaluation.blockNumber),
      );
      expect(await fullValues(row)).to.deep.equal([evaluation.reporter, evaluation.transactionHash]);
    }
    expect(await story.locator("[data-testid=evaluations] .section-note").innerText())
      .to.contain("NOT proven")
      .and.to.contain("only that the run's trainer sent each report")
      .and.to.contain("Nothing checked the value");
  }

  it("tells a run's story: its dataset card beside the registered size, the proven loss beside the trainer's reported evaluations, marked not proven", async function () {
    const runOne = await registry.getRun(1n);
    const registeredDataset = await registry.getDataset(runOne.datasetRoot);
    await page.locator("#runs tr[data-run='1'] td").nth(6).click();
    await page.locator("#run .card-head h2", { hasText: "Run 1" }).waitFor();
    const story = page.locator("#run [data-testid=run-story]");
    await story.waitFor();

    // The dataset as its registrant's card describes it, and its size as the registry has it.
    const datasetPart = story.locator("[data-testid=run-dataset]");
    expect(await datasetPart.getAttribute("data-kind")).to.equal("card");
    expect(await datasetPart.innerText()).to.contain("described by the registrant, not verified");
    expect(await datasetPart.locator("[data-testid=dataset-name]").innerText()).to.equal(datasetCard.name);
    const licence = datasetPart.locator("[data-testid=dataset-license]");
    expect(await licence.innerText()).to.equal(datasetCard.license);
    expect(await licence.getAttribute("href")).to.equal(`https://spdx.org/licenses/${datasetCard.license}.html`);
    expect(await licence.getAttribute("rel")).to.equal("noopener noreferrer");
    const size = datasetPart.locator("[data-testid=dataset-size]");
    expect(await size.getAttribute("data-registered")).to.equal(String(registeredDataset.size));
    expect(await size.getAttribute("data-claimed")).to.equal(String(datasetCard.examples));
    expect(await size.innerText())
      .to.contain(`${registeredDataset.size} examples registered on-chain`)
      .and.to.contain(`the card says ${datasetCard.examples} examples too`);
    expect(
      await story.locator("[data-testid=size-mismatch]").count(),
      "the card's size is the registered one",
    ).to.equal(0);
    expect(await datasetPart.innerText()).to.contain(datasetCard.description ?? "no description in the card");
    // Account 2's link, shown as a link and never fetched.
    const mirrorLink = datasetPart.locator(`a[href='${MIRROR_DATASET_URI}']`);
    expect(await mirrorLink.getAttribute("rel")).to.equal("noopener noreferrer");
    expect(await page.locator("body").innerText(), "no card shown as its base64").to.not.contain("base64");
    // The runs list names the dataset by its card.
    expect(
      await page.locator("#runs tr[data-run='1'] td[data-label=Dataset] [data-testid=dataset-name]").innerText(),
    ).to.equal(datasetCard.name);

    // The trainer's reports (prove-and-submit: the task's held-out evaluation of the start and of each
    // call's last step), in the table and on the curve beside the proven loss.
    const reported = await runEvaluations(registry, 1n);
    expect(reported.map((evaluation) => evaluation.steps)).to.deep.equal([0n, FIRST_STEPS, RUN_ONE_STEPS]);
    for (const evaluation of reported) {
      expect([evaluation.metric, evaluation.split, evaluation.reporter]).to.deep.equal([
        task.evaluation?.metric,
        task.evaluation?.split,
        runOne.trainer,
      ]);
    }
    await expectReportsTable(story, 1n);
    expect(await reportedPoints(story)).to.deep.equal(
      reported.map((evaluation) => ({
        steps: String(evaluation.steps),
        value: String(evaluation.value),
        metric: evaluation.metric,
        split: evaluation.split,
      })),
    );
    expect(await story.locator("[data-testid=loss-curve] circle.point").count(), "the proven points").to.equal(3);
    const legend = story.locator("[data-testid=curve-legend]");
    expect(await legend.locator("li[data-series=proven]").innerText()).to.contain(
      "Every value is a public input of a verified proof",
    );
    expect(await legend.locator("li[data-series=reported]").innerText())
      .to.contain("Reported by the trainer, NOT proven")
      .and.to.contain(`${task.evaluation?.metric} on ${task.evaluation?.split}`);
    await keepScreenshot(story, "story.png", "explorer-story.png");

    // Run 2: two (metric, split) pairs its trainer reported here; the first plotted on a 0–100% axis,
    // the other named in the legend; every report in the table.
    await page.locator("#runs tr[data-run='2'] td").nth(6).click();
    await page.locator("#run .card-head h2", { hasText: "Run 2" }).waitFor();
    await story.locator("tr[data-evaluation]").nth(2).waitFor();
    await expectReportsTable(story, 2n);
    expect(await reportedPoints(story)).to.deep.equal([
      { steps: "0", value: String(3 / 8), metric: "accuracy", split: RUN_TWO_SPLIT },
      { steps: String(session.shape.steps), value: String(5 / 8), metric: "accuracy", split: RUN_TWO_SPLIT },
    ]);
    expect(await story.locator("[data-testid=loss-curve] text.reported").allTextContents()).to.include("100.0%");
    expect(await legend.locator("li[data-series=not-plotted]").innerText()).to.contain(
      `mean squared error on ${RUN_TWO_SPLIT}`,
    );
    expect(
      await story.locator("tr[data-evaluation][data-steps='0'][data-metric=accuracy] td").nth(3).innerText(),
    ).to.equal("37.5% = 3/8");
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  // ---------------------------------------------------------------------------------------------
  // What a new user asked for (issue 11): block times beside block numbers, each run's base model and
  // dataset in the runs list, hyperparameters in the clear, copy buttons that can be seen.
  // ---------------------------------------------------------------------------------------------

  /** A block timestamp as the page writes it: "2026-12-02 03:41:07 UTC". */
  const utcTime = (seconds: number): string =>
    `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;

  /** The <dd> of a run fact, by its whole label ("Start" is not "Started in block"). */
  const runFact = (label: string): Locator =>
    page
      .locator("#run [data-testid=run-facts] .fact", {
        has: page.locator("dt", { hasText: new RegExp(`^${label.replace(/[()]/g, "\\$&")}$`) }),
      })
      .locator("dd");

  /** A cell's text with its line breaks as spaces (the time goes under the block number in a table). */
  const oneLine = async (locator: Locator): Promise<string> => (await locator.innerText()).replace(/\s+/g, " ").trim();

  /** The words of a copy button: CSS content of its ::after (the root tsconfig has no DOM types, hence the casts). */
  const copyButtonWords = (button: Locator): Promise<string> =>
    button.evaluate((element: unknown) => {
      const view = globalThis as unknown as { getComputedStyle(of: unknown, pseudo: string): { content: string } };
      return view.getComputedStyle(element, "::after").content;
    });

  it("shows each block's time (read once per block), the runs' base model and dataset, hyperparameters in the clear and visible copy buttons", async function () {
    if (provider === undefined) throw new Error("no provider");
    const rpc = provider;
    // The block numbers of every eth_getBlockByNumber the page sends (one JSON-RPC call or a batch).
    const blockReads: number[] = [];
    const countBlockReads = (request: PageRequest): void => {
      if (!request.url().startsWith(rpcUrl) || request.method() !== "POST") return;
      const body: unknown = request.postDataJSON();
      for (const call of Array.isArray(body) ? body : [body]) {
        const { method, params } = call as { method?: string; params?: unknown[] };
        const blockTag = params?.[0];
        if (method === "eth_getBlockByNumber" && typeof blockTag === "string" && blockTag.startsWith("0x"))
          blockReads.push(Number(blockTag));
      }
    };
    page.on("request", countBlockReads);
    // A fresh page (a goto that changes only the #hash would not load it again).
    await page.goto("about:blank");
    await page.goto(`${siteUrl}#run=1`);
    await page.locator("#run .card-head h2", { hasText: "Run 1" }).waitFor();
    await page.locator("#run tr[data-part=merge]").waitFor();
    // Run 2, then run 1 again: the views render again, the times come from the cache.
    await page.locator("#runs tr[data-run='2'] td").nth(6).click();
    await page.locator("#run .card-head h2", { hasText: "Run 2" }).waitFor();
    await page.locator("#run tr[data-part=checkpoint]").waitFor();
    await page.locator("#runs tr[data-run='1'] td").nth(6).click();
    await page.locator("#run .card-head h2", { hasText: "Run 1" }).waitFor();
    await page.locator("#run tr[data-part=merge]").waitFor();
    // (expressions as strings: the root tsconfig has no DOM types)
    await page.waitForFunction(
      '[...document.querySelectorAll("time.block-time")].every((time) => time.textContent.endsWith(" UTC"))',
    );
    page.off("request", countBlockReads);

    // Every time shown is its block's timestamp on the node, and each block was read once.
    const shown = await page
      .locator("time.block-time")
      .evaluateAll((times: { getAttribute(name: string): string | null; textContent: string | null }[]) =>
        times.map((time) => ({
          block: Number(time.getAttribute("data-block")),
          text: time.textContent,
          datetime: time.getAttribute("datetime"),
        })),
      );
    const distinctBlocks = [...new Set(shown.map((time) => time.block))];
    const timestamps = new Map<number, number>();
    for (const block of distinctBlocks) {
      const read = await rpc.getBlock(block);
      if (read === null) throw new Error(`the node has no block ${block}`);
      timestamps.set(block, read.timestamp);
    }
    for (const time of shown) {
      const timestamp = timestamps.get(time.block) ?? 0;
      expect(time.text, `block ${time.block}'s time`).to.equal(utcTime(timestamp));
      expect(time.datetime).to.equal(new Date(timestamp * 1000).toISOString());
    }
    expect(blockReads.length, "each block's time is read once").to.equal(new Set(blockReads).size);
    expect([...new Set(blockReads)].sort()).to.include.members(distinctBlocks);
    // …beside each block number: checkpoints, the merge, the start, the run's facts, the registrations,
    // the projection, the verifiers and the status line.
    const fromBlock = Number(await registry.deploymentBlock());
    const checkpoints = await registry.queryFilter(registry.filters.CheckpointVerified(1n), fromBlock);
    for (const { args, blockNumber } of checkpoints) {
      const blockCell = page.locator(
        `#run tr[data-part=checkpoint][data-steps='${args.firstStep + args.steps}'] td[data-label=Block]`,
      );
      expect(await oneLine(blockCell)).to.equal(
        `${blockNumber} ${utcTime(timestamps.get(blockNumber) ?? 0)}`,
        "a checkpoint's block with its time",
      );
    }
    const [merge] = await registry.queryFilter(registry.filters.MergeVerified(1n), fromBlock);
    expect(await page.locator("#run tr[data-part=merge] time.block-time").getAttribute("data-block")).to.equal(
      String(merge?.blockNumber),
    );
    const runOne = await registry.getRun(1n);
    const startTime = utcTime(timestamps.get(Number(runOne.startBlock)) ?? 0);
    expect(await oneLine(page.locator("#run tr[data-part=start] td[data-label=Block]"))).to.equal(
      `${runOne.startBlock} ${startTime}`,
    );
    expect(await runFact("Started in block").innerText()).to.contain(startTime);
    for (const section of ["#models", "#datasets", "#projections", "#verifiers", "#status"])
      expect(await page.locator(`${section} time.block-time`).count(), `${section} shows block times`).to.be.above(0);
    const completedIn = await page.locator("#projections td[data-label='Completed in']").innerText();
    expect(completedIn.replace(/\s+/g, " ")).to.match(/^block \d+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · 0x/);

    // The runs list: each run's base model (its block count) and dataset (its size), as the chain has them.
    expect(await page.locator("#runs th").allTextContents()).to.include.members(["Base model", "Dataset"]);
    for (const runId of [1n, 2n]) {
      const run = await registry.getRun(runId);
      const row = page.locator(`#runs tr[data-run='${runId}']`);
      const { blocks } = await registry.getBaseModel(run.baseRoot);
      const { size } = await registry.getDataset(run.datasetRoot);
      const model = row.locator("td[data-label='Base model']");
      const dataset = row.locator("td[data-label=Dataset]");
      expect(await fullValues(model)).to.deep.equal([hex64(run.baseRoot)]);
      expect(await model.innerText()).to.contain(counted(blocks, "block"));
      expect(await fullValues(dataset)).to.deep.equal([hex64(run.datasetRoot)]);
      expect(await dataset.innerText()).to.contain(counted(size, "example"));
    }

    // Hyperparameters in the clear: α and lr as real numbers (α̂ / 2^F), the seed, k and the instance's shape.
    const { F, steps: k, dIn, dOut, rank, batch } = instances.checkpoint.params;
    expect(await runFact("α (LoRA scale)").innerText()).to.equal(`${fromFixed(runOne.alpha, F)} α̂ = ${runOne.alpha}`);
    expect(await runFact("lr (learning rate)").innerText()).to.equal(`${fromFixed(runOne.lr, F)} l̂ = ${runOne.lr}`);
    expect(await runFact("Start").innerText()).to.equal(`canonical start, seed ${runOne.seed}`);
    expect(await runFact("Checkpoint instance").innerText()).to.contain(`k = ${k} steps per proof`);
    expect(await runFact("Instance shape").innerText()).to.contain(
      `d_in × d_out = ${dIn} × ${dOut}, rank ${rank}, batch ${batch} examples per step`,
    );
    expect(await page.locator("#runs tr[data-run='1'] [data-testid=instance-shape]").innerText()).to.equal(
      `k = ${k} · ${dIn}×${dOut} · rank ${rank} · batch ${batch}`,
    );

    // Copy buttons: one beside every hash, visible, named for what it copies; a click copies the whole
    // value (navigator.clipboard.writeText, intercepted) and says "copied".
    expect(await page.locator("#run .hash-copy > button.copy").count()).to.equal(
      await page.locator("#run code.hash").count(),
    );
    await page.evaluate(
      "window.copiedTexts = []; navigator.clipboard.writeText = async (text) => { window.copiedTexts.push(text); };",
    );
    const copyHead = page
      .locator("#run [data-testid=run-facts]")
      .getByRole("button", { name: "copy head adapter commitment" });
    expect(await copyHead.isVisible()).to.equal(true);
    expect((await copyHead.boundingBox())?.width ?? 0).to.be.above(20);
    expect(await copyButtonWords(copyHead)).to.equal('"copy"');
    expect(await copyHead.getAttribute("title")).to.contain(hex64(runOne.head));
    await copyHead.click();
    expect(await page.evaluate<string[]>("window.copiedTexts")).to.deep.equal([hex64(runOne.head)]);
    expect(await copyButtonWords(copyHead)).to.equal('"copied"');
    // In the runs table a copy button copies without opening the row's run.
    const runTwo = await registry.getRun(2n);
    await page.locator("#runs tr[data-run='2']").getByRole("button", { name: "copy head adapter commitment" }).click();
    expect(await page.evaluate<string[]>("window.copiedTexts")).to.deep.equal([hex64(runOne.head), hex64(runTwo.head)]);
    expect(await page.evaluate<string>("location.hash")).to.equal("#run=1");
    await keepScreenshot(page.locator("#runs"), "runs.png", "explorer-runs.png");
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  it("answers provenance searches: dropped files, pasted adapters and a merged root, a continued run's lineage, and 'not verified'", async function () {
    const { checkpointFile, startFile } = writeAdapterFiles();
    const results = page.locator("[data-testid=provenance-result]");
    await page.setInputFiles("#adapter-file", checkpointFile);
    await results.nth(1).waitFor();
    const [after, before] = await results.allInnerTexts();
    expect(after)
      .to.contain("Adapter after the checkpoint")
      .and.to.contain("Verified")
      .and.to.contain("run 1 after 4 steps");
    expect(after).to.contain(hex64(await recordedAdapter(1n, 4n)));
    expect(after, "the dataset's card by its name and licence").to.contain(
      `${datasetCard.name} (${datasetCard.license})`,
    );
    expect(before).to.contain("Adapter before the checkpoint").and.to.contain("run 1 after 2 steps");
    expect(await results.nth(0).locator("[data-testid=adapter-merge]").innerText()).to.contain("no merge recorded");
    // A canonical run's lineage is itself, at the adapter's step count, with its checkpoint verifier.
    expect(await lineageRows(results.nth(0).locator("[data-testid=lineage]"))).to.deep.equal([
      { run: "1", steps: "4", retired: "false" },
    ]);

    // The PEFT pair prove-and-submit wrote for run 1 (its final adapter), dropped together: the page reads
    // the float32 tensors back to the protocol's integers and finds run 1 after 6 steps; a tensor with a
    // value no integer at 2^F gives is refused, naming the entry.
    const peftDirectory = path.join(
      WORK_DIR,
      `chain-${CHAIN_ID}`,
      (await registry.getAddress()).toLowerCase(),
      "run-1",
      "peft",
    );
    const peftPair = [PEFT_FILES.adapter, PEFT_FILES.config].map((name) => path.join(peftDirectory, name));
    await page.setInputFiles("#adapter-file", peftPair);
    const peftResult = page.locator("[data-testid=provenance-result]", { hasText: "Adapter (PEFT)" });
    await peftResult.waitFor();
    expect(await peftResult.innerText())
      .to.contain("Verified")
      .and.to.contain("run 1 after 6 steps")
      .and.to.contain(hex64((await registry.getRun(1n)).head));
    expect(await page.locator("#provenance .file-note").innerText()).to.contain(
      `${PEFT_FILES.adapter} + ${PEFT_FILES.config}: instance ${instances.checkpoint.name} (from the file), PEFT tensors read back`,
    );
    const exported = decodeSafetensors(readFileSync(peftPair[0] ?? ""));
    const tensor = exported.tensors[PEFT_LORA_A];
    if (tensor === undefined) throw new Error(`no ${PEFT_LORA_A} in the exported file`);
    const values = tensor.values.map((value, index) => (index === 1 ? value + 2 ** -(session.shape.F + 1) : value));
    const tamperedDirectory = path.join(ARTIFACTS, "peft-tampered");
    mkdirSync(tamperedDirectory, { recursive: true });
    const tamperedFile = path.join(tamperedDirectory, PEFT_FILES.adapter);
    writeFileSync(
      tamperedFile,
      encodeSafetensors({ ...exported, tensors: { ...exported.tensors, [PEFT_LORA_A]: { ...tensor, values } } }),
    );
    await page.setInputFiles("#adapter-file", tamperedFile);
    const refusal = page.locator("#provenance [role=alert]");
    await refusal.waitFor();
    expect(await refusal.innerText())
      .to.contain("is not a usable adapter")
      .and.to.match(/lora_A\.weight\[0\]\[1\] = \S+ is not a multiple of 2\^-\d+/);

    // Pasted: run 1's head, with the merged root recorded for it; then that merged root, which the
    // registry traces back to run 1 after 6 steps.
    const head = (await registry.getRun(1n)).head;
    const { mergedRoot } = await registry.mergeOf((await registry.getRun(1n)).head);
    await page.fill("#search-input", `0x${head.toString(16)}`);
    await page.click("#search-form button[type=submit]");
    const headResult = page.locator("[data-testid=provenance-result]", { hasText: "run 1 after 6 steps" });
    await headResult.waitFor();
    expect(await headResult.locator("[data-testid=adapter-merge] code.hash").getAttribute("data-full")).to.equal(
      hex64(mergedRoot),
    );

    await page.fill("#search-input", mergedRoot.toString());
    await page.click("#search-form button[type=submit]");
    const mergedResult = page.locator("[data-testid=provenance-result]", { hasText: "Recorded merge" });
    await mergedResult.waitFor();
    expect(await results.count()).to.equal(1);
    expect(await mergedResult.innerText())
      .to.contain("Merged root")
      .and.to.contain(hex64(mergedRoot))
      .and.to.contain("W0 + α·B·A")
      .and.to.contain("run 1 after 6 steps");
    expect(await mergedResult.locator("code.hash").first().getAttribute("data-full"), "the adapter merged").to.equal(
      hex64(head),
    );
    await page.locator("#provenance").screenshot({ path: path.join(ARTIFACTS, "merged-root-search.png") });

    // Run 2's head: produced by run 2 after 2 steps, which continues run 1 after 2 steps, which starts
    // from seed 1: the lineage back to the canonical start, and where the checkpoint was recorded.
    const headTwo = (await registry.getRun(2n)).head;
    await page.fill("#search-input", headTwo.toString());
    await page.click("#search-form button[type=submit]");
    const continuedResult = page.locator("[data-testid=provenance-result]", { hasText: "run 2 after 2 steps" });
    await continuedResult.waitFor();
    const continuedLineage = continuedResult.locator("[data-testid=lineage]");
    expect(await lineageRows(continuedLineage)).to.deep.equal([
      { run: "2", steps: String(session.shape.steps), retired: "false" },
      { run: "1", steps: String(FIRST_STEPS), retired: "false" },
    ]);
    expect(
      (await continuedLineage.locator("tr[data-run] td:nth-child(2)").allInnerTexts()).map((text) => text.trim()),
    ).to.deep.equal([`continues run 1 after ${FIRST_STEPS} steps`, `canonical start, seed ${session.seed}`]);
    expect(await continuedResult.locator("h4").innerText()).to.equal("Lineage: 2 runs back to a canonical start");
    const [checkpointTwo] = await registry.queryFilter(
      registry.filters.CheckpointVerified(2n),
      Number(await registry.deploymentBlock()),
    );
    expect(await fullValues(continuedResult)).to.include(checkpointTwo?.transactionHash);

    await page.fill("#search-input", "0x1234");
    await page.click("#search-form button[type=submit]");
    const unknown = page.locator("[data-testid=provenance-result]", { hasText: "Not verified" });
    await unknown.waitFor();
    expect(await results.count()).to.equal(1);
    expect(await unknown.innerText()).to.contain("no merge recorded in it has this merged root");

    // A file of run 1's canonical start (fixed encoding, no instance: the page's choice): its provenance
    // is run 1 after 0 steps, proven by the run's start.
    await page.setInputFiles("#adapter-file", startFile);
    const start = page.locator("[data-testid=provenance-result]", { hasText: "run 1 after 0 steps" });
    await start.waitFor();
    expect(await start.innerText()).to.contain(`canonical start from seed ${session.seed}`);

    // The checkpoint file again, for the screenshots.
    await page.fill("#search-input", "");
    await page.setInputFiles("#adapter-file", checkpointFile);
    await page.locator("[data-testid=provenance-result]", { hasText: "run 1 after 4 steps" }).waitFor();
  });

  it("verifies starts, checkpoints and the merge again in the browser (snarkjs), from startRun, submitCheckpoint(s) and submitMergeBlock calldata", async function () {
    const runOne = await registry.getRun(1n);
    await page.locator("#run .card-head h2", { hasText: "Run 1" }).waitFor();
    const signalsOf = (detail: ReturnType<Page["locator"]>, count: number) =>
      detail
        .locator(".signals dd code")
        .allTextContents()
        .then((texts) => texts.slice(0, count));

    // The checkpoint of steps 2–3: entry 1 of the submitCheckpoints batch, inputs as the registry assembles them.
    const [, second] = await registry.queryFilter(
      registry.filters.CheckpointVerified(1n),
      Number(await registry.deploymentBlock()),
    );
    if (second === undefined) throw new Error("no second checkpoint");
    const checkpointRow = page.locator("#run tr[data-part=checkpoint][data-steps='4']");
    await checkpointRow.locator("[data-testid=checkpoint-verify-again]").click();
    const checkpointResult = checkpointRow.locator("[data-testid=checkpoint-verify-result]");
    await checkpointResult.waitFor();
    expect(await checkpointResult.innerText()).to.match(/✓ valid\s*\d+(\.\d+)? (ms|s)/);
    const checkpointDetail = page.locator("[data-testid=checkpoint-verify-detail]");
    expect(await checkpointDetail.innerText()).to.contain("submitCheckpoints (entry 1 of 2)");
    expect(await signalsOf(checkpointDetail, 5)).to.deep.equal(
      registryCheckpointInputs(
        { runConfig: runOne.runConfig, head: second.args.adapterBefore, nextStep: second.args.firstStep },
        second.args.adapterAfter,
        second.args.loss,
        second.args.submitter,
      ).map(String),
    );

    // The run's start: startRun calldata, [runConfig, adapterStart, seed, fromHead, base, dataset, projection, α̂, l̂].
    const startRow = page.locator("#run tr[data-part=start]");
    await startRow.locator("[data-testid=start-verify-again]").click();
    await startRow.locator("[data-testid=start-verify-result]").waitFor();
    expect(await startRow.locator("[data-testid=start-verify-result]").innerText()).to.contain("✓ valid");
    expect(await signalsOf(page.locator("[data-testid=start-verify-detail]"), 9)).to.deep.equal(
      [
        runOne.runConfig,
        runOne.adapterStart,
        runOne.seed,
        0n,
        runOne.baseRoot,
        runOne.datasetRoot,
        runOne.projectionId,
        runOne.alpha,
        runOne.lr,
      ].map(String),
    );

    // The merge: each block's submitMergeBlock calldata, [baseRoot, adapter, α̂, block, accIn, accOut].
    const mergeRow = page.locator(`#run tr[data-part=merge][data-steps='${RUN_ONE_STEPS}']`);
    await mergeRow.locator("[data-testid=merge-verify-again]").click();
    const mergeResult = mergeRow.locator("[data-testid=merge-verify-result]");
    await mergeResult.waitFor();
    expect(await mergeResult.innerText()).to.match(/✓ valid\s*\d+(\.\d+)? (ms|s)/);
    const mergeDetail = page.locator("[data-testid=merge-verify-detail]");
    expect(await mergeDetail.innerText())
      .to.contain("submitMergeBlock, block 1 of 1")
      // the key is the deployed verifier's (docs/CEREMONY.md §4); the page's published key file only agrees with it
      .and.to.contain(
        `verification key decoded from the code of the registry's verifier of ${instances.mergeBlock?.name ?? "no merge-block instance"}`,
      )
      .and.to.contain("the key file this page publishes for it is the same");
    const { mergedRoot } = await registry.mergeOf((await registry.getRun(1n)).head);
    expect(await signalsOf(mergeDetail, 6)).to.deep.equal(
      [runOne.baseRoot, runOne.head, runOne.alpha, 0n, 0n, mergedRoot].map(String),
    );
    await keepScreenshot(page, "desktop.png", "explorer.png");

    await page.getByRole("button", { name: "Verify all again" }).click();
    // (expressions as strings: the root tsconfig has no DOM types)
    await page.waitForFunction(
      'document.querySelectorAll("[data-testid=start-verify-result]").length === 1 && document.querySelectorAll("[data-testid=checkpoint-verify-result]").length === 3 && document.querySelectorAll("[data-testid=merge-verify-result]").length === 1 && document.querySelectorAll(".badge.running").length === 0',
    );
    const verdicts = await page.locator("[data-testid$=-verify-result]").allInnerTexts();
    expect(verdicts).to.have.length(5);
    for (const verdict of verdicts) expect(verdict).to.contain("✓ valid");
    const details = await page.locator("[data-testid=checkpoint-verify-detail]").allInnerTexts();
    expect(details.join("\n")).to.contain("submitCheckpoint,").and.to.contain("submitCheckpoints (entry 2 of 2)");
    console.log(
      `      verify again in Chromium: ${verdicts.map((verdict) => verdict.replace(/\s+/g, " ")).join("; ")}`,
    );
    await keepScreenshot(page, "desktop-verified.png");

    // Run 2's start continues a verified head: seed 0, fromHead 1, its own α; and its checkpoint.
    const runTwo = await registry.getRun(2n);
    await page.locator("#runs tr[data-run='2'] td").nth(6).click();
    await page.locator("#run .card-head h2", { hasText: "Run 2" }).waitFor();
    await page.locator("#run [data-testid=start-verify-again]").click();
    await page.locator("#run [data-testid=start-verify-result]").waitFor();
    expect(await page.locator("#run [data-testid=start-verify-result]").innerText()).to.contain("✓ valid");
    expect(await signalsOf(page.locator("[data-testid=start-verify-detail]"), 9)).to.deep.equal(
      [
        runTwo.runConfig,
        runTwo.adapterStart,
        0n,
        1n,
        runTwo.baseRoot,
        runTwo.datasetRoot,
        runTwo.projectionId,
        runTwo.alpha,
        runTwo.lr,
      ].map(String),
    );
    await page.locator("#run [data-testid=checkpoint-verify-again]").click();
    await page.locator("#run [data-testid=checkpoint-verify-result]").waitFor();
    expect(await page.locator("#run [data-testid=checkpoint-verify-result]").innerText()).to.contain("✓ valid");

    await page.setViewportSize(PHONE);
    await page.evaluate("window.scrollTo(0, 0)");
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width, "nothing overflows the phone width").to.be.at.most(PHONE.width);
    await keepScreenshot(page, "phone.png");
    await page.setViewportSize(DESKTOP);
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  it("warns loudly once the runs' checkpoint verifier is retired: run pages, the runs, provenance answers, lineages and the verifiers", async function () {
    // The deployer holds VERIFIER_ADMIN_ROLE; both runs use the same checkpoint instance.
    if (provider === undefined) throw new Error("no provider");
    const admin = registry.connect(await provider.getSigner(0));
    const checkpointCircuitId = circuitIdOf(instances.checkpoint.name);
    const retirement = await (await admin.retireVerifier(checkpointCircuitId)).wait();
    if (retirement === null) throw new Error("retireVerifier: no receipt");
    const runTwo = await registry.getRun(2n);
    const provenance = await registry.provenanceOf(runTwo.head);
    expect(provenance.verifierRetired, "provenanceOf says so").to.equal(true);
    expect((await registry.verifierOf(checkpointCircuitId)).retired).to.equal(true);

    // Refresh reads everything again; the page still shows run 2 (#run=2).
    await page.getByRole("button", { name: "Refresh" }).click();
    const banner = page.locator("#run [data-testid=retired-banner]");
    // The banner shows from the verifiers read on connection; the lineage once the run's details are read.
    await banner.waitFor();
    await page.locator("#run [data-testid=lineage] tr[data-run='1']").waitFor();
    expect(await page.locator("#run .card-head h2").innerText()).to.equal("Run 2");
    expect(await banner.innerText())
      .to.contain("Run 2's checkpoint verifier is retired")
      .and.to.contain(instances.checkpoint.name)
      .and.to.contain(`block ${retirement.blockNumber}`)
      .and.to.contain("accepts no new checkpoint");
    expect(await fullValues(banner)).to.deep.equal([provenance.verifier, retirement.hash]);
    expect(await page.locator("#run [data-testid=run-facts] [data-testid=verifier-retired]").count()).to.equal(1);
    expect(await lineageRows(page.locator("#run [data-testid=lineage]"))).to.deep.equal([
      { run: "2", steps: String(runTwo.nextStep), retired: "true" },
      { run: "1", steps: String(FIRST_STEPS), retired: "true" },
    ]);
    for (const runId of ["1", "2"])
      expect(await page.locator(`#runs tr[data-run='${runId}'] [data-testid=verifier-retired]`).count()).to.equal(1);
    expect(await page.locator("#overview").innerText()).to.match(/1\s*retired verifiers/);
    const retiredRow = page.locator(`#verifiers tr[data-circuit='${checkpointCircuitId}']`);
    expect(await retiredRow.getAttribute("data-retired")).to.equal("true");
    expect(await fullValues(retiredRow)).to.deep.equal([provenance.verifier, retirement.hash]);
    expect(
      await page.locator("#verifiers tr[data-retired=false]").count(),
      "the other instances stay active",
    ).to.be.above(0);
    await page.evaluate("window.scrollTo(0, 0)");
    await keepScreenshot(page.locator("#run"), "retired.png", "explorer-retired.png");
    await keepScreenshot(page.locator("#verifiers"), "retired-verifiers.png");

    // A provenance answer of run 2's head says so too.
    await page.fill("#search-input", runTwo.head.toString());
    await page.click("#search-form button[type=submit]");
    const answer = page.locator("[data-testid=provenance-result]", { hasText: "run 2 after 2 steps" });
    await answer.waitFor();
    expect(await answer.locator(".answer").innerText()).to.contain("Verified by a retired verifier");
    expect(await answer.locator("[data-testid=retired-banner]").innerText()).to.contain(
      "Run 2's checkpoint verifier is retired",
    );
    expect(await lineageRows(answer.locator("[data-testid=lineage]"))).to.deep.equal([
      { run: "2", steps: String(session.shape.steps), retired: "true" },
      { run: "1", steps: String(FIRST_STEPS), retired: "true" },
    ]);
    await keepScreenshot(page.locator("#provenance"), "retired-provenance.png");
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  /**
   * Run 1's checkpoint of steps 2–3 as the prove command's input (real encoding: the adapters before and
   * after it), and run 1's canonical start as {"adapter_a", "adapter_b"} (fixed encoding, no instance).
   */
  function writeAdapterFiles(): { checkpointFile: string; startFile: string } {
    const F = session.shape.F;
    const before = runOneAdapter(2n);
    const after = runOneAdapter(4n);
    const checkpointFile = path.join(ARTIFACTS, "checkpoint-steps-2-3.prove-input.json");
    const startFile = path.join(ARTIFACTS, "adapter-start.fixed.json");
    writeFileSync(
      checkpointFile,
      JSON.stringify(
        {
          instance: instances.checkpoint.name,
          encoding: "real",
          statement: {
            adapter_before: String(adapterCommitment(before.a, before.b, session.shape)),
            adapter_after: String(adapterCommitment(after.a, after.b, session.shape)),
          },
          witness: {
            adapter_a: fromFixedMatrix(before.a, F),
            adapter_b: fromFixedMatrix(before.b, F),
            adapter_a_after: fromFixedMatrix(after.a, F),
            adapter_b_after: fromFixedMatrix(after.b, F),
          },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      startFile,
      JSON.stringify({
        encoding: "fixed",
        adapter_a: session.start.a.map((row) => row.map(String)),
        adapter_b: session.start.b.map((row) => row.map(String)),
      }),
    );
    return { checkpointFile, startFile };
  }
});
