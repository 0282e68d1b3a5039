// The registry explorer (explorer/) in real headless Chromium against a real `npx hardhat node`:
// the page before and after a deployment, a recorded run's history and merge, provenance searches from
// dropped adapter files, pasted commitments and a pasted merged root, and "verify again" of every step
// and of the merge in the browser.
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
import { JsonRpcProvider, ZeroAddress } from "ethers";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { REGISTRY_FUTURE_ID as EXPLORER_REGISTRY_FUTURE_ID } from "../../src/chain/index.js";
import { recordedRegistryAddress, REGISTRY_FUTURE_ID } from "../../src/hardhat/index.js";
import { makeStep, fromFixedMatrix } from "../../src/protocol/index.js";
import { defaultInstance, getInstance, PROJECT_ROOT } from "../../src/node/index.js";
import type { Matrix } from "../../src/protocol/index.js";
import { loadRunConfig, loadTask } from "../../src/training/index.js";
import { LoraLedgerRegistry__factory, type LoraLedgerRegistry } from "../../types/ethers-contracts/index.js";
import { freePort, HARDHAT_CLI, runNodeCli, type Finished } from "../helpers/processes.js";

const CHAIN_ID = 31339n; // its own chain id: its Ignition records (deploy/deployments/chain-31339) never mix with a developer's
const CHROMIUM = "/usr/bin/chromium";
const VITE_CLI = path.join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js");
const DEPLOYMENT_DIR = path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${CHAIN_ID}`);
const ARTIFACTS = path.join(PROJECT_ROOT, "build", "test-artifacts", "explorer");
const SITE = path.join(ARTIFACTS, "site");
const WORK_DIR = path.join(ARTIFACTS, "runs");
const DOCS_SCREENSHOT = path.join(PROJECT_ROOT, "docs", "explorer.png");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Hardhat's first account: prove-and-submit's trainer and submitter. */
const SUBMITTER = 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n;

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

const hex64 = (value: bigint): string => `0x${value.toString(16).padStart(64, "0")}`;

describe("registry explorer in headless Chromium (explorer/)", function () {
  const services: Service[] = [];
  let context: BrowserContext | undefined;
  let page: Page;
  let userDataDir: string | undefined;
  let rpcUrl: string;
  let siteUrl: string;
  let environment: NodeJS.ProcessEnv;
  let provider: JsonRpcProvider | undefined;
  let registry: LoraLedgerRegistry;
  const pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing (${CHROMIUM}): the explorer test drives Debian's chromium with playwright-core (Playwright's own browser download does not work here). Install it: apt-get update && apt-get install -y chromium`,
      );
    }
    expect(
      EXPLORER_REGISTRY_FUTURE_ID,
      "explorer/src/ledgerData.ts names the registry as src/hardhat/deployment.ts does",
    ).to.equal(REGISTRY_FUTURE_ID);
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });

    const [nodePort, sitePort] = [await freePort(), await freePort()];
    rpcUrl = `http://127.0.0.1:${nodePort}`;
    siteUrl = `http://127.0.0.1:${sitePort}/`;
    environment = { ...process.env, LORA_LOCALHOST_URL: rpcUrl, LORA_WORK_DIR: WORK_DIR, LORA_EXPLORER_RPC: rpcUrl };

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

  it("deploys with Ignition and records a run (submitStep, then submitSteps) and the merge of its final adapter", async function () {
    const deployed = await run(
      HARDHAT_CLI,
      ["ignition", "deploy", "deploy/modules/LoraLedger.ts", "--network", "localhost"],
      environment,
      "y\n",
    );
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
    const address = recordedRegistryAddress(CHAIN_ID);
    expect(address, "Ignition records the registry's address for the chain").to.be.a("string");
    registry = LoraLedgerRegistry__factory.connect(address ?? "", provider);

    // Step 0 alone (submitStep), then steps 1 and 2 in one transaction (submitSteps): the page
    // decodes both calls. Only the second call merges (LORA_MERGE is on by default): the merge of the
    // final adapter, step 2's (recordMerge), is the run's only one.
    const first = await run(HARDHAT_CLI, ["run", "scripts/prove-and-submit.ts", "--network", "localhost"], {
      ...environment,
      LORA_STEPS: "1",
      LORA_MERGE: "false",
    });
    expect(first.code, first.stderr).to.equal(0);
    const rest = await run(HARDHAT_CLI, ["run", "scripts/prove-and-submit.ts", "--network", "localhost"], {
      ...environment,
      LORA_STEPS: "3",
      LORA_SUBMIT_BATCH: "2",
      LORA_MERGE: "true",
    });
    expect(rest.code, rest.stderr).to.equal(0);
    expect((await registry.getRun(1n)).nextStep).to.equal(3n);
    expect(
      (await registry.mergeOf(await registry.adapterAfterStep(1n, 0n))).recorder,
      "step 0's adapter is not merged",
    ).to.equal(ZeroAddress);
    const merge = await registry.mergeOf(await registry.adapterAfterStep(1n, 2n));
    expect(merge.recorder, "step 2's adapter is merged").to.not.equal(ZeroAddress);
    expect(merge.step).to.equal(2n);
  });

  it("lists the run and its history as the chain records it", async function () {
    await page.goto(siteUrl);
    const connected = page.locator("[data-testid=connected]");
    await connected.waitFor();
    expect(await connected.innerText()).to.contain(`Chain ${CHAIN_ID}`);
    const run = await registry.getRun(1n);

    const runRow = page.locator("#runs tr[data-run='1']");
    await runRow.waitFor();
    const runCells = await runRow.locator("td").allInnerTexts();
    expect(runCells[0]).to.contain("1");
    expect(runCells[2]).to.equal(defaultCircuit());
    expect(runCells[5]).to.equal("3");
    expect(
      await runRow
        .locator("code.hash")
        .evaluateAll((codes: { getAttribute(name: string): string | null }[]) =>
          codes.map((code) => code.getAttribute("data-full")),
        ),
    ).to.deep.equal([run.trainer, hex64(run.hparamsHash), hex64(run.head)]);

    const events = await registry.queryFilter(
      registry.filters.StepVerified(1n),
      Number(await registry.deploymentBlock()),
    );
    const rows = page.locator("#run tr[data-step]");
    await rows.nth(2).waitFor();
    expect(await rows.count()).to.equal(3);
    for (const event of events) {
      const row = page.locator(`#run tr[data-step='${event.args.step}']`);
      expect(
        await row
          .locator("code.hash")
          .evaluateAll((codes: { getAttribute(name: string): string | null }[]) =>
            codes.map((code) => code.getAttribute("data-full")),
          ),
      ).to.deep.equal([hex64(event.args.adapterAfter), event.args.submitter, event.transactionHash]);
      expect((await row.locator("td").allInnerTexts())[3]).to.equal(String(event.blockNumber));
    }
    expect(await page.locator("#models tbody tr").count()).to.equal(1);
    expect(await page.locator("#datasets tbody tr").count()).to.equal(1);

    // The run's merges, from its MergeVerified events: one, of step 2's adapter.
    const merges = await registry.queryFilter(
      registry.filters.MergeVerified(1n),
      Number(await registry.deploymentBlock()),
    );
    expect(merges).to.have.length(1);
    const [merge] = merges;
    if (merge === undefined) throw new Error("no MergeVerified event");
    const mergeRows = page.locator("#run tr[data-merge-step]");
    await mergeRows.first().waitFor();
    expect(await mergeRows.count()).to.equal(1);
    const mergeRow = page.locator("#run tr[data-merge-step='2']");
    expect(
      await mergeRow
        .locator("code.hash")
        .evaluateAll((codes: { getAttribute(name: string): string | null }[]) =>
          codes.map((code) => code.getAttribute("data-full")),
        ),
    ).to.deep.equal([
      hex64(await registry.adapterAfterStep(1n, 2n)),
      hex64(merge.args.mergedRoot),
      merge.args.recorder,
      merge.transactionHash,
    ]);
    const mergeCells = await mergeRow.locator("td").allInnerTexts();
    expect(mergeCells[0]).to.equal("2");
    expect(mergeCells[4]).to.equal(String(merge.blockNumber));
    expect(await page.locator("#run .card-head").innerText()).to.contain("1 merge");
    expect(await page.locator("#overview").innerText()).to.match(/1\s*recorded merges/);
  });

  it("finds a produced adapter from a dropped file (run 1, step 1) and says 'not recorded' for others", async function () {
    const { stepOneFile, initialFile } = writeAdapterFiles();
    await page.setInputFiles("#adapter-file", stepOneFile);
    const results = page.locator("[data-testid=provenance-result]");
    await results.nth(1).waitFor();
    const [after, before] = await results.allInnerTexts();
    expect(after).to.contain("Adapter after the step").and.to.contain("Recorded").and.to.contain("run 1, step 1");
    expect(after).to.contain(hex64(await registry.adapterAfterStep(1n, 1n)));
    expect(before).to.contain("Adapter before the step").and.to.contain("run 1, step 0");

    expect(await results.nth(0).locator("[data-testid=adapter-merge]").innerText()).to.contain("no merge recorded");

    // Pasted: the run's head (step 2), with the merged root recorded for it; then that merged root,
    // which the registry traces back to run 1, step 2; then a commitment nobody produced.
    const head = (await registry.getRun(1n)).head;
    const { mergedRoot } = await registry.mergeOf(head);
    await page.fill("#search-input", `0x${head.toString(16)}`);
    await page.click("#search-form button[type=submit]");
    const headResult = page.locator("[data-testid=provenance-result]", { hasText: "run 1, step 2" });
    await headResult.waitFor();
    expect(await headResult.locator("[data-testid=adapter-merge] code.hash").getAttribute("data-full")).to.equal(
      hex64(mergedRoot),
    );

    await page.fill("#search-input", mergedRoot.toString());
    await page.click("#search-form button[type=submit]");
    const mergedResult = page.locator("[data-testid=provenance-result]", { hasText: "Recorded merge" });
    await mergedResult.waitFor();
    expect(await results.count()).to.equal(1);
    const mergedText = await mergedResult.innerText();
    expect(mergedText)
      .to.contain("Merged root")
      .and.to.contain(hex64(mergedRoot))
      .and.to.contain("W0 + α·B·A")
      .and.to.contain("run 1, step 2");
    expect(await mergedResult.locator("code.hash").first().getAttribute("data-full"), "the adapter merged").to.equal(
      hex64(head),
    );
    await page.locator("#provenance").screenshot({ path: path.join(ARTIFACTS, "merged-root-search.png") });

    await page.fill("#search-input", "0x1234");
    await page.click("#search-form button[type=submit]");
    const unknown = page.locator("[data-testid=provenance-result]", { hasText: "Not recorded" });
    await unknown.waitFor();
    expect(await results.count()).to.equal(1);
    expect(await unknown.innerText()).to.contain("no merge recorded in it has this merged root");

    // A file of the run's initial adapter (fixed encoding, no instance: the page's choice): not
    // produced by any verified step, and the page says where it comes from.
    await page.setInputFiles("#adapter-file", initialFile);
    const initial = page.locator("[data-testid=provenance-result]", { hasText: "initial adapter of run 1" });
    await initial.waitFor();
    expect(await initial.innerText()).to.contain("Not recorded");

    // The produced one again, for the screenshots.
    await page.fill("#search-input", "");
    await page.setInputFiles("#adapter-file", stepOneFile);
    await page.locator("[data-testid=provenance-result]", { hasText: "run 1, step 1" }).waitFor();
  });

  it("verifies every recorded step and the merge again in the browser (snarkjs), from submitStep, submitSteps and recordMerge calldata", async function () {
    const stepOne = page.locator("#run tr[data-step='1']");
    await stepOne.locator("[data-testid=verify-again]").click();
    const result = stepOne.locator("[data-testid=verify-result]");
    await result.waitFor();
    expect(await result.innerText()).to.match(/✓ valid\s*\d+(\.\d+)? (ms|s)/);
    expect(await page.locator("[data-testid=verify-detail]").first().innerText()).to.contain(
      "submitSteps (entry 1 of 2)",
    );

    // The merge: recordMerge calldata, public inputs [baseRoot, adapter, hparamsHash, mergedRoot], the merge instance's key.
    const mergeRow = page.locator("#run tr[data-merge-step='2']");
    await mergeRow.locator("[data-testid=merge-verify-again]").click();
    const mergeResult = mergeRow.locator("[data-testid=merge-verify-result]");
    await mergeResult.waitFor();
    expect(await mergeResult.innerText()).to.match(/✓ valid\s*\d+(\.\d+)? (ms|s)/);
    const mergeDetail = page.locator("[data-testid=merge-verify-detail]");
    expect(await mergeDetail.innerText())
      .to.contain("recordMerge calldata")
      .and.to.contain("lora_merge_8x8_r2_b2_d4");
    const run = await registry.getRun(1n);
    const { mergedRoot } = await registry.mergeOf(run.head);
    const signals = await mergeDetail.locator(".signals dd code").allTextContents();
    expect(signals.slice(0, 4)).to.deep.equal([run.baseRoot, run.head, run.hparamsHash, mergedRoot].map(String));
    await page.screenshot({ path: path.join(ARTIFACTS, "desktop.png"), fullPage: true });
    // Refresh the README's screenshot only when asked, so a test run leaves the tree clean.
    if (process.env.LORA_UPDATE_DOCS_SCREENSHOT === "1")
      copyFileSync(path.join(ARTIFACTS, "desktop.png"), DOCS_SCREENSHOT);

    await page.getByRole("button", { name: "Verify all again" }).click();
    // (expressions as strings: the root tsconfig has no DOM types)
    await page.waitForFunction(
      'document.querySelectorAll("[data-testid=verify-result]").length === 3 && document.querySelectorAll("[data-testid=merge-verify-result]").length === 1 && document.querySelectorAll(".badge.running").length === 0',
    );
    const verdicts = await page.locator("[data-testid=verify-result]").allInnerTexts();
    expect(verdicts).to.have.length(3);
    for (const verdict of verdicts) expect(verdict).to.contain("✓ valid");
    const details = await page.locator("[data-testid=verify-detail]").allInnerTexts();
    expect(details.join("\n")).to.contain("submitStep calldata").and.to.contain("submitSteps (entry 2 of 2)");
    const mergeVerdicts = await page.locator("[data-testid=merge-verify-result]").allInnerTexts();
    expect(mergeVerdicts).to.have.length(1);
    expect(mergeVerdicts[0]).to.contain("✓ valid");
    console.log(
      `      verify again in Chromium: ${verdicts.map((verdict) => verdict.replace(/\s+/g, " ")).join("; ")}; merge ${(mergeVerdicts[0] ?? "").replace(/\s+/g, " ")}`,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, "desktop-verified.png"), fullPage: true });

    await page.setViewportSize(PHONE);
    await page.evaluate("window.scrollTo(0, 0)");
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width, "nothing overflows the phone width").to.be.at.most(PHONE.width);
    await page.screenshot({ path: path.join(ARTIFACTS, "phone.png"), fullPage: true });
    await page.setViewportSize(DESKTOP);
    expect(pageErrors, "uncaught errors in the page").to.deep.equal([]);
  });

  function defaultCircuit(): string {
    const config = loadRunConfig(environment);
    return config.instance === undefined ? defaultInstance().name : config.instance;
  }

  /** The adapter after step 1 as the prove command's input (real encoding), and the initial one as {"adapter_a", "adapter_b"} (fixed). */
  function writeAdapterFiles(): { stepOneFile: string; initialFile: string } {
    const config = loadRunConfig({ ...environment, LORA_STEPS: "3" });
    const instance = config.instance === undefined ? defaultInstance() : getInstance(config.instance);
    const task = loadTask(instance.params, config);
    const F = instance.params.F;
    let a: Matrix = task.a;
    let b: Matrix = task.b;
    let stepOne: unknown;
    for (let step = 0n; step <= 1n; step++) {
      const made = makeStep({ ...task, a, b, step, submitter: SUBMITTER });
      if (step === 1n) {
        stepOne = {
          instance: instance.name,
          encoding: "real",
          statement: {
            adapter_before: String(made.statement.adapterBefore),
            adapter_after: String(made.statement.adapterAfter),
            step: 1,
          },
          witness: {
            adapter_a: fromFixedMatrix(a, F),
            adapter_b: fromFixedMatrix(b, F),
            adapter_a_after: fromFixedMatrix(made.witness.aNext, F),
            adapter_b_after: fromFixedMatrix(made.witness.bNext, F),
          },
        };
      }
      a = made.witness.aNext;
      b = made.witness.bNext;
    }
    const stepOneFile = path.join(ARTIFACTS, "adapter-step-1.prove-input.json");
    const initialFile = path.join(ARTIFACTS, "adapter-initial.fixed.json");
    writeFileSync(stepOneFile, JSON.stringify(stepOne, null, 2));
    writeFileSync(
      initialFile,
      JSON.stringify({
        encoding: "fixed",
        adapter_a: task.a.map((row) => row.map(String)),
        adapter_b: task.b.map((row) => row.map(String)),
      }),
    );
    return { stepOneFile, initialFile };
  }
});
