// A screenshot of a run's story in the registry explorer (its dataset, the proven loss curve with the
// trainer's reported evaluations beside it, and those reports), taken from a real node:
//   npm run explorer:screenshot -- --rpc http://127.0.0.1:8545 --run 1 --out docs/explorer-digits.png
// It builds the explorer (vite build, as test/explorer does), serves it with `vite preview` on a free port
// (its Vite plugin serves the deployment recorded for the node's chain,
// deploy/deployments/chain-<id>/deployed_addresses.json, as the page reads it), opens run N with ?rpc=
// in Debian's Chromium (/usr/bin/chromium) and writes the PNG. Exit codes as the project's commands':
// 12 (usage) for bad options or no node at the URL, 14 (not_recorded) for no deployment or no such run,
// 1 otherwise.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, Network } from "ethers";
import { chromium, type Browser, type Page } from "playwright-core";
import { EXIT_CODES } from "../src/cli/index.js";
import { REGISTRY_V2_FUTURE_ID } from "../src/chain/index.js";
import { PROJECT_ROOT } from "../src/node/index.js";
import { LoraLedgerRegistryV2__factory } from "../types/ethers-contracts/index.js";
import { ledgerData } from "../explorer/ledgerDataPlugin.js";

const CHROMIUM = "/usr/bin/chromium";
const VITE_CLI = path.join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js");
const VIEWPORT = { width: 1280, height: 900 };
/** How long the page may take to connect, read the registry and the run, and fill in the block times. */
const PAGE_TIMEOUT_MS = 120_000;

const USAGE =
  "usage: npm run explorer:screenshot -- --rpc URL --run N [--out FILE.png]\n" +
  "  --rpc  the node's JSON-RPC URL (default: LORA_EXPLORER_RPC, else http://127.0.0.1:8545)\n" +
  "  --run  the run to show (1, 2, …)\n" +
  "  --out  where to write the PNG (default: docs/explorer-story.png)";

/** A failure the user can act on, with the exit code it ends the command with. */
class ScreenshotError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Options {
  rpc: string;
  runId: bigint;
  out: string;
}

function parseOptions(argv: string[]): Options {
  let values: { rpc?: string; run?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rpc: { type: "string" },
        run: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ScreenshotError(`${(error as Error).message}\n${USAGE}`, EXIT_CODES.usage);
  }
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const rpc = values.rpc ?? (process.env.LORA_EXPLORER_RPC || "http://127.0.0.1:8545");
  if (!/^https?:\/\/.+/.test(rpc))
    throw new ScreenshotError(`--rpc ${rpc}: expected an http(s) URL\n${USAGE}`, EXIT_CODES.usage);
  if (values.run === undefined || !/^[1-9][0-9]*$/.test(values.run))
    throw new ScreenshotError(
      `--run ${values.run ?? "(missing)"}: expected a run id (1, 2, …)\n${USAGE}`,
      EXIT_CODES.usage,
    );
  const out = path.resolve(values.out ?? path.join(PROJECT_ROOT, "docs", "explorer-story.png"));
  if (!out.endsWith(".png"))
    throw new ScreenshotError(`--out ${out}: expected a .png file\n${USAGE}`, EXIT_CODES.usage);
  return { rpc, runId: BigInt(values.run), out };
}

/** The node's chain id, or a usage error naming the URL (checked before the build, which takes a while). */
async function chainIdAt(rpc: string): Promise<bigint> {
  try {
    const response = await fetch(rpc, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(6000),
    });
    const body = (await response.json()) as { result?: unknown };
    if (typeof body.result !== "string") throw new Error(`eth_chainId answered ${JSON.stringify(body)}`);
    return BigInt(body.result);
  } catch (error) {
    throw new ScreenshotError(
      `no Ethereum node answers at ${rpc} (${(error as Error).message}): start one with \`npx hardhat node\`, or pass its URL with --rpc`,
      EXIT_CODES.usage,
    );
  }
}

/**
 * The registry the page will use (the deployment the explorer's Vite plugin reads for the chain) holds
 * run `runId`: checked before the build, so a wrong URL or run id fails at once.
 */
async function checkRun(rpc: string, chainId: bigint, runId: bigint): Promise<void> {
  const deployment = ledgerData(PROJECT_ROOT, rpc).deployments[String(chainId)];
  const address = deployment?.addresses[REGISTRY_V2_FUTURE_ID];
  if (address === undefined)
    throw new ScreenshotError(
      `no deployment of the registry is recorded for chain ${chainId} (deploy/deployments/chain-${chainId}/deployed_addresses.json, key ${REGISTRY_V2_FUTURE_ID}): deploy it with \`npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network localhost\``,
      EXIT_CODES.not_recorded,
    );
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(rpc, network, { staticNetwork: network });
  try {
    if ((await provider.getCode(address)) === "0x")
      throw new ScreenshotError(
        `no registry at ${address}, where ${deployment?.file ?? "the deployment record"} says it is: the node was restarted since that deployment (remove deploy/deployments/chain-${chainId} and deploy again)`,
        EXIT_CODES.not_recorded,
      );
    const runCount = await LoraLedgerRegistryV2__factory.connect(address, provider).runCount();
    if (runId > runCount)
      throw new ScreenshotError(
        `run ${runId} is not in the registry at ${address} (chain ${chainId}): ${runCount === 0n ? "it has no run yet" : `its runs are 1..${runCount}`}`,
        EXIT_CODES.not_recorded,
      );
  } finally {
    provider.destroy();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

/** Runs Vite to completion; its output is shown only when it fails. */
function viteBuild(outDir: string, environment: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [VITE_CLI, "build", "--config", "explorer/vite.config.ts", "--outDir", outDir, "--logLevel", "warn"],
      { cwd: PROJECT_ROOT, env: environment, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code}):\n${output}`)),
    );
  });
}

/** `vite preview` of the build, in its own process group (ended as a whole), once it serves the project's data. */
async function vitePreview(outDir: string, port: number, environment: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      VITE_CLI,
      "preview",
      "--config",
      "explorer/vite.config.ts",
      "--outDir",
      outDir,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--strictPort",
    ],
    { cwd: PROJECT_ROOT, env: environment, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/lora-data/ledger.json`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`vite preview did not answer within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function stopProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // gone already
  }
}

/** Waits for the page to connect and to open run `runId`; a failure the page shows becomes the error. */
async function openRun(page: Page, runId: bigint): Promise<void> {
  const connected = page.locator("[data-testid=connected]");
  const failed = page.locator("#status .notice.error");
  await connected.or(failed).first().waitFor();
  if (await failed.isVisible()) {
    const text = (await failed.innerText()).replace(/\s*\n\s*/g, ": ");
    throw new ScreenshotError(`the explorer cannot connect: ${text}`, EXIT_CODES.not_recorded);
  }
  const rows = page.locator("#runs tr[data-run]");
  const noRuns = page.locator("#runs .empty, #runs .notice.error");
  await rows.first().or(noRuns).first().waitFor();
  const runIds = await rows.evaluateAll((elements: { getAttribute(name: string): string | null }[]) =>
    elements.map((element) => element.getAttribute("data-run") ?? ""),
  );
  if (!runIds.includes(String(runId))) {
    const known = runIds.length === 0 ? "it has no run" : `its runs are ${[...runIds].reverse().join(", ")}`;
    throw new ScreenshotError(`run ${runId} is not in the registry: ${known}`, EXIT_CODES.not_recorded);
  }
  await page.locator("#run .card-head h2", { hasText: new RegExp(`^Run ${runId}$`) }).waitFor();
  const story = page.locator("#run [data-testid=run-story]");
  await story.waitFor();
  const readFailure = page.locator("#run .notice.error");
  if (await readFailure.isVisible())
    throw new Error(`the explorer cannot read run ${runId}: ${await readFailure.innerText()}`);
  // Every block time filled in (they say "…" until the node answers).
  await page.waitForFunction(
    '[...document.querySelectorAll("#run [data-testid=run-story] time.block-time")].every((time) => time.textContent.endsWith(" UTC") || time.textContent === "time unknown")',
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(CHROMIUM))
    throw new ScreenshotError(
      `Chromium is missing (${CHROMIUM}): apt-get update && apt-get install -y chromium`,
      EXIT_CODES.usage,
    );
  const chainId = await chainIdAt(options.rpc);
  await checkRun(options.rpc, chainId, options.runId);

  const environment = { ...process.env, LORA_EXPLORER_RPC: options.rpc };
  const work = mkdtempSync(path.join(tmpdir(), "lora-explorer-screenshot-"));
  let preview: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    console.error("building the explorer (vite build)…");
    const site = path.join(work, "site");
    await viteBuild(site, environment);
    const port = await freePort();
    preview = await vitePreview(site, port, environment);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    const url = `http://127.0.0.1:${port}/?rpc=${encodeURIComponent(options.rpc)}#run=${options.runId}`;
    console.error(`opening run ${options.runId} of chain ${chainId} at ${url}`);
    await page.goto(url);
    await openRun(page, options.runId);
    mkdirSync(path.dirname(options.out), { recursive: true });
    await page.locator("#run [data-testid=run-story]").screenshot({ path: options.out });
    console.log(
      `wrote ${path.relative(process.cwd(), options.out)}: run ${options.runId}'s story (chain ${chainId}, ${options.rpc})`,
    );
  } finally {
    await browser?.close().catch(() => undefined);
    if (preview !== undefined) stopProcessGroup(preview);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ScreenshotError) {
    console.error(`explorer:screenshot: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(
      `explorer:screenshot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = EXIT_CODES.internal_error;
  }
});
