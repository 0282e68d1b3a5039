/**
 * The registry explorer: what a LoraLedgerRegistry knows, read through a JSON-RPC URL, with the
 * project's library (src/chain/queries.ts, src/commitments.ts) and typechain types.
 */
import "./style.css";
import type { Groth16Proof } from "snarkjs";
import {
  ActionableError,
  adapterProvenance,
  baseModels,
  connect,
  datasets,
  instanceOfCircuit,
  listRuns,
  mergeCount,
  mergeProvenance,
  mergeRecordedIn,
  runHistory,
  runMerges,
  type AdapterProvenance,
  type BaseModelEntry,
  type Connection,
  type DatasetEntry,
  type MergedProvenance,
  type RunSummary,
  type VerifiedMerge,
  type VerifiedStep,
} from "./chain.js";
import type { AdapterCandidate, Encoding } from "./adapterFile.js";
import { AdapterFileError, parseCommitment } from "./commitment.js";
import { byId, h, hashCode, hex64, milliseconds, replace, withCode, type Child } from "./dom.js";
import { LEDGER_DATA_URL, type InstanceInfo, type LedgerData } from "./ledgerData.js";
import { MERGE_PUBLIC_INPUT_NAMES, PUBLIC_INPUT_NAMES, verifyAgain, verifyMergeAgain, type MergeReverification, type Reverification } from "./verify.js";

type Outcome<T> = { state: "running" } | { state: "done"; result: T } | { state: "failed"; error: unknown };
type Verification = Outcome<Reverification>;
type MergeVerification = Outcome<MergeReverification>;

/** A row of the run's view to point at: a step of its history, or the merge of a step's adapter. */
interface Highlight {
  kind: "step" | "merge";
  step: bigint;
}

/** A commitment to look up: an adapter's; a pasted one is also looked up as a merged root. */
interface SearchCandidate extends AdapterCandidate {
  mergedRootToo?: boolean;
}

/** A read that failed: the section shows the error. */
interface Failed {
  error: unknown;
}

interface State {
  data?: LedgerData;
  connection?: Connection;
  runs?: RunSummary[] | Failed;
  models?: BaseModelEntry[] | Failed;
  datasets?: DatasetEntry[] | Failed;
  /** merges recorded in the registry, every run */
  mergeCount?: number | Failed;
  selectedRun?: bigint;
  history?: VerifiedStep[] | "loading" | Failed;
  /** the selected run's merges (MergeVerified events) */
  merges?: VerifiedMerge[] | "loading" | Failed;
  highlight?: Highlight;
  verifications: Map<string, Verification>;
  mergeVerifications: Map<string, MergeVerification>;
  /** bumped on every (re)connection: results of an older one are dropped */
  generation: number;
}

const state: State = { verifications: new Map(), mergeVerifications: new Map(), generation: 0 };
const RECORD_COMMAND = "npx hardhat run scripts/prove-and-submit.ts --network localhost";

const elements = {
  rpcForm: byId<HTMLFormElement>("rpc-form"),
  rpcUrl: byId<HTMLInputElement>("rpc-url"),
  status: byId("status"),
  overview: byId("overview"),
  content: byId("content"),
  provenance: byId("provenance-results"),
  search: byId<HTMLFormElement>("search-form"),
  searchInput: byId<HTMLInputElement>("search-input"),
  dropZone: byId("drop-zone"),
  fileInput: byId<HTMLInputElement>("adapter-file"),
  instanceSelect: byId<HTMLSelectElement>("file-instance"),
  encodingSelect: byId<HTMLSelectElement>("file-encoding"),
  runs: byId("runs"),
  run: byId("run"),
  models: byId("models"),
  datasets: byId("datasets"),
};

// ---------------------------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------------------------

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as Error & { shortMessage?: string }).shortMessage;
    return short ?? error.message;
  }
  return String(error);
}

function errorBox(error: unknown, fallbackTitle = "Something went wrong"): HTMLElement {
  const actionable = error instanceof ActionableError ? error : undefined;
  return h(
    "div",
    { class: "notice error", role: "alert" },
    h("strong", {}, actionable?.title ?? fallbackTitle),
    h("p", {}, ...withCode(errorMessage(error))),
    actionable?.hint === undefined ? null : h("p", { class: "hint" }, ...withCode(actionable.hint)),
  );
}

function loading(text: string): HTMLElement {
  return h("p", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

function empty(title: string, ...body: Child[]): HTMLElement {
  return h("div", { class: "empty" }, h("strong", {}, title), body.length > 0 ? h("p", {}, ...body) : null);
}

function cardHeader(title: string, ...extra: Child[]): HTMLElement {
  return h("div", { class: "card-head" }, h("h2", {}, title), ...extra);
}

function table(headers: string[], rows: HTMLTableRowElement[], className = ""): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h("table", { class: `responsive ${className}` }, h("thead", {}, h("tr", {}, headers.map((header) => h("th", { scope: "col" }, header)))), h("tbody", {}, rows)),
  );
}

function cell(label: string, ...content: Child[]): HTMLTableCellElement {
  return h("td", { "data-label": label }, ...content);
}

function circuitName(circuitId: string): HTMLElement {
  const instance = state.data === undefined ? undefined : instanceOfCircuit(circuitId, state.data.instances);
  return instance === undefined ? h("span", { class: "muted", title: circuitId }, "unknown circuit ", hashCode(circuitId)) : h("span", { class: "circuit", title: `circuit id ${circuitId}` }, instance.name);
}

function runLink(runId: bigint, text: string, highlight?: Highlight): HTMLElement {
  return h("a", { href: `#run=${runId}`, onclick: (event: Event) => {
      event.preventDefault();
      void selectRun(runId, highlight);
    } }, text);
}

function plural(count: bigint | number, word: string): string {
  return `${count} ${word}${BigInt(count) === 1n ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

function requestedRun(): bigint | undefined {
  const match = /run=(\d+)/.exec(location.hash);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

async function fetchLedgerData(): Promise<LedgerData> {
  let response: Response;
  try {
    response = await fetch(LEDGER_DATA_URL, { cache: "no-store" });
  } catch (error) {
    throw new ActionableError("The explorer's server is unreachable", errorMessage(error), "Start it again: `npm run explorer`");
  }
  if (!response.ok) {
    throw new ActionableError("The project's data is missing", `${LEDGER_DATA_URL} answered HTTP ${response.status}.`, "Serve the page with `npm run explorer` (its Vite plugin serves the deployments, instances and verification keys).");
  }
  return (await response.json()) as LedgerData;
}

async function connectAndLoad(): Promise<void> {
  const generation = ++state.generation;
  state.connection?.provider.destroy();
  Object.assign(state, { connection: undefined, runs: undefined, models: undefined, datasets: undefined, mergeCount: undefined, history: undefined, merges: undefined });
  state.verifications.clear();
  state.mergeVerifications.clear();
  elements.content.hidden = true;
  replace(elements.overview);
  const url = elements.rpcUrl.value.trim();
  replace(elements.status, loading(`Connecting to ${url}…`));
  try {
    state.data = await fetchLedgerData();
    fillInstanceSelect(state.data.instances);
    const chainParameter = new URLSearchParams(location.search).get("chain");
    const connection = await connect(url, state.data, chainParameter === null || !/^\d+$/.test(chainParameter) ? undefined : BigInt(chainParameter));
    if (generation !== state.generation) { connection.provider.destroy(); return; }
    state.connection = connection;
  } catch (error) {
    if (generation !== state.generation) return;
    replace(elements.status, errorBox(error, "Cannot read the registry"));
    return;
  }
  renderStatus();
  elements.content.hidden = false;
  renderAll();
  const connection = state.connection;
  const load = async <T>(read: () => Promise<T>, store: (value: T | Failed) => void): Promise<void> => {
    let value: T | Failed;
    try {
      value = await read();
    } catch (error) {
      value = { error };
    }
    if (generation === state.generation) store(value);
    if (generation === state.generation) renderAll();
  };
  await Promise.all([
    load(() => listRuns(connection.registry), (runs) => (state.runs = runs)),
    load(() => baseModels(connection), (models) => (state.models = models)),
    load(() => datasets(connection), (entries) => (state.datasets = entries)),
    load(() => mergeCount(connection), (count) => (state.mergeCount = count)),
  ]);
  if (generation !== state.generation) return;
  const runs = Array.isArray(state.runs) ? state.runs : [];
  const wanted = requestedRun();
  const initial = wanted !== undefined && runs.some((run) => run.runId === wanted) ? wanted : runs.at(-1)?.runId;
  if (initial !== undefined) await selectRun(initial, undefined, false);
}

function renderStatus(): void {
  const connection = state.connection;
  if (connection === undefined) return;
  replace(
    elements.status,
    h(
      "div",
      { class: "notice ok", "data-testid": "connected" },
      h(
        "div",
        { class: "status-line" },
        h("span", { class: "dot", "aria-hidden": "true" }),
        h("span", {}, "Chain ", h("strong", {}, String(connection.chainId))),
        h("span", {}, "registry ", hashCode(connection.registryAddress)),
        h("span", {}, "block ", h("strong", {}, String(connection.blockNumber))),
        h("span", { class: "muted" }, "from ", h("code", {}, connection.deploymentFile)),
      ),
      h("button", { type: "button", class: "secondary", onclick: () => void connectAndLoad() }, "Refresh"),
    ),
  );
}

function renderAll(): void {
  renderOverview();
  renderRuns();
  renderRun();
  renderModels();
  renderDatasets();
}

function renderOverview(): void {
  const connection = state.connection;
  if (connection === undefined) { replace(elements.overview); return; }
  const runs = Array.isArray(state.runs) ? state.runs : undefined;
  const tile = (label: string, value: string | undefined) => h("div", { class: "tile" }, h("span", { class: "tile-value" }, value ?? "…"), h("span", { class: "tile-label" }, label));
  replace(
    elements.overview,
    tile("runs", runs === undefined ? undefined : String(runs.length)),
    tile("verified steps", runs === undefined ? undefined : String(runs.reduce((total, run) => total + run.verifiedSteps, 0n))),
    tile("recorded merges", typeof state.mergeCount === "number" ? String(state.mergeCount) : undefined),
    tile("base models", Array.isArray(state.models) ? String(state.models.length) : undefined),
    tile("datasets", Array.isArray(state.datasets) ? String(state.datasets.length) : undefined),
  );
}

// ---------------------------------------------------------------------------------------------
// Runs and a run's history
// ---------------------------------------------------------------------------------------------

function renderRuns(): void {
  const head = cardHeader("Runs");
  if (state.runs === undefined) { replace(elements.runs, head, loading("Reading runs…")); return; }
  if (!Array.isArray(state.runs)) { replace(elements.runs, head, errorBox(state.runs.error, "Cannot read the runs")); return; }
  if (state.runs.length === 0) {
    replace(elements.runs, head, empty("No runs yet", "Record one: ", h("code", { class: "command" }, RECORD_COMMAND))); return;
  }
  const rows = [...state.runs].reverse().map((run) =>
    h(
      "tr",
      { class: run.runId === state.selectedRun ? "selected clickable" : "clickable", "data-run": String(run.runId), onclick: () => void selectRun(run.runId) },
      cell("Run", runLink(run.runId, `#${run.runId}`)),
      cell("Owner", hashCode(run.trainer)),
      cell("Circuit", circuitName(run.circuitId)),
      cell("Hyperparameters", hashCode(hex64(run.hparamsHash))),
      cell("Head", hashCode(hex64(run.head))),
      cell("Steps", h("strong", {}, String(run.verifiedSteps))),
    ),
  );
  replace(elements.runs, head, table(["Run", "Owner", "Circuit", "Hyperparameters hash", "Head", "Steps"], rows, "runs-table"));
}

async function selectRun(runId: bigint, highlight?: Highlight, scroll = true): Promise<void> {
  const generation = state.generation;
  const connection = state.connection;
  if (connection === undefined) return;
  if (location.hash !== `#run=${runId}`) history.replaceState(null, "", `${location.pathname}${location.search}#run=${runId}`);
  state.highlight = highlight;
  if (state.selectedRun !== runId || !Array.isArray(state.history) || !Array.isArray(state.merges)) {
    state.selectedRun = runId;
    state.history = "loading";
    state.merges = "loading";
    renderRuns();
    renderRun();
    const read = async <T>(query: () => Promise<T>): Promise<T | Failed> => {
      try {
        return await query();
      } catch (error) {
        return { error };
      }
    };
    const [steps, merges] = await Promise.all([read(() => runHistory(connection.registry, runId)), read(() => runMerges(connection.registry, runId))]);
    if (generation !== state.generation || state.selectedRun !== runId) return;
    state.history = steps;
    state.merges = merges;
  }
  renderRuns();
  renderRun();
  if (scroll) {
    const row = highlight === undefined ? null : elements.run.querySelector(highlight.kind === "step" ? `tr[data-step="${highlight.step}"]` : `tr[data-merge-step="${highlight.step}"]`);
    (row ?? elements.run).scrollIntoView({ behavior: "smooth", block: row === null ? "start" : "center" });
  }
}

function runOf(runId: bigint | undefined): RunSummary | undefined {
  return Array.isArray(state.runs) ? state.runs.find((run) => run.runId === runId) : undefined;
}

function instanceOfRun(run: RunSummary): InstanceInfo | undefined {
  return state.data === undefined ? undefined : instanceOfCircuit(run.circuitId, state.data.instances);
}

function isHighlighted(kind: Highlight["kind"], step: bigint): boolean {
  return state.highlight?.kind === kind && state.highlight.step === step;
}

function renderRun(): void {
  const run = runOf(state.selectedRun);
  elements.run.hidden = run === undefined;
  if (run === undefined) { replace(elements.run); return; }
  const model = Array.isArray(state.models) ? state.models.find((entry) => entry.baseRoot === run.baseRoot) : undefined;
  const dataset = Array.isArray(state.datasets) ? state.datasets.find((entry) => entry.datasetRoot === run.datasetRoot) : undefined;
  const history = state.history;
  const merges = state.merges;
  const canVerifyAll = Array.isArray(history) && history.length > 0 && instanceOfRun(run) !== undefined;
  const fact = (label: string, ...value: Child[]) => h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, ...value));
  replace(
    elements.run,
    cardHeader(
      `Run ${run.runId}`,
      h("span", { class: "pill" }, plural(run.verifiedSteps, "verified step")),
      Array.isArray(merges) && merges.length > 0 ? h("span", { class: "pill merge" }, plural(merges.length, "merge")) : null,
      canVerifyAll ? h("button", { type: "button", class: "secondary push", onclick: () => void verifyAll(run) }, "Verify all again") : null,
    ),
    h(
      "dl",
      { class: "facts" },
      fact("Owner", hashCode(run.trainer)),
      fact("Circuit", circuitName(run.circuitId)),
      fact("Base model", hashCode(hex64(run.baseRoot)), model?.uri ? h("span", { class: "muted" }, ` ${model.uri}`) : null),
      fact("Dataset", hashCode(hex64(run.datasetRoot)), dataset === undefined ? null : h("span", { class: "muted" }, ` ${plural(dataset.size, "example")}${dataset.uri ? ` · ${dataset.uri}` : ""}`)),
      fact("Hyperparameters hash", hashCode(hex64(run.hparamsHash))),
      fact("Initial adapter", hashCode(hex64(run.initialAdapter))),
      fact("Head", hashCode(hex64(run.head))),
      fact("Started in block", String(run.startBlock)),
    ),
    h("h3", {}, "History"),
    historyView(run, history),
    h("h3", {}, "Merged weights"),
    h("p", { class: "muted section-note" }, "Each merge proves that the merged root commits to the exact W_eff = W0 + α·B·A of a verified adapter of this run, on its base model (LoraMerge, PROTOCOL §9)."),
    mergesView(run, merges),
  );
}

function historyView(run: RunSummary, history: State["history"]): HTMLElement {
  if (history === undefined || history === "loading") return loading(`Reading the StepVerified events of run ${run.runId}…`);
  if (!Array.isArray(history)) return errorBox(history.error, "Cannot read the run's history");
  if (history.length === 0) return empty("No verified step yet", "The run starts from its initial adapter. Prove and submit its steps: ", h("code", { class: "command" }, RECORD_COMMAND));
  const rows: HTMLTableRowElement[] = [];
  for (const step of history) {
    const key = `${run.runId}:${step.step}`;
    const verification = state.verifications.get(key);
    rows.push(
      h(
        "tr",
        { "data-step": String(step.step), class: isHighlighted("step", step.step) ? "highlight" : undefined },
        cell("Step", h("strong", {}, String(step.step))),
        cell("Adapter", hashCode(hex64(step.adapterAfter))),
        cell("Submitter", hashCode(step.submitter)),
        cell("Block", String(step.blockNumber)),
        cell("Transaction", hashCode(step.transactionHash)),
        cell("Proof", verifyCell(verification, "verify", () => void verifyStep(run, step))),
      ),
    );
    if (verification?.state === "done" || verification?.state === "failed") {
      rows.push(h("tr", { class: "detail-row" }, h("td", { colspan: 6 }, verificationDetail(step, verification))));
    }
  }
  return table(["Step", "Adapter commitment", "Submitter", "Block", "Transaction", "Proof"], rows, "history-table");
}

function mergesView(run: RunSummary, merges: State["merges"]): HTMLElement {
  if (merges === undefined || merges === "loading") return loading(`Reading the MergeVerified events of run ${run.runId}…`);
  if (!Array.isArray(merges)) return errorBox(merges.error, "Cannot read the run's merges");
  if (merges.length === 0) {
    return empty(
      "No merge recorded",
      "Anyone can prove and record the merged weights of a verified adapter of this run with recordMerge; ",
      h("code", { class: "command" }, RECORD_COMMAND),
      " ends with the merge of the run's final adapter (unless LORA_MERGE=false).",
    );
  }
  const rows: HTMLTableRowElement[] = [];
  for (const merge of merges) {
    const verification = state.mergeVerifications.get(`${run.runId}:${merge.step}`);
    rows.push(
      h(
        "tr",
        { "data-merge-step": String(merge.step), class: isHighlighted("merge", merge.step) ? "highlight" : undefined },
        cell("Step", h("strong", {}, String(merge.step))),
        cell("Adapter", hashCode(hex64(merge.adapter))),
        cell("Merged root", hashCode(hex64(merge.mergedRoot))),
        cell("Recorder", hashCode(merge.recorder)),
        cell("Block", String(merge.blockNumber)),
        cell("Transaction", hashCode(merge.transactionHash)),
        cell("Proof", verifyCell(verification, "merge-verify", () => void verifyMerge(run, merge))),
      ),
    );
    if (verification?.state === "done" || verification?.state === "failed") {
      rows.push(h("tr", { class: "detail-row" }, h("td", { colspan: 7 }, mergeVerificationDetail(merge, verification))));
    }
  }
  return table(["Step", "Adapter", "Merged root", "Recorder", "Block", "Transaction", "Proof"], rows, "merges-table");
}

/** The proof cell of a step or a merge; `testId` prefixes the button's and the verdict's data-testid. */
function verifyCell(verification: Outcome<{ valid: boolean; verifyMilliseconds: number }> | undefined, testId: string, onVerify: () => void): HTMLElement {
  if (verification?.state === "running") return h("span", { class: "badge running" }, h("span", { class: "spinner", "aria-hidden": "true" }), "verifying…");
  const button = h("button", { type: "button", class: "small", "data-testid": `${testId}-again`, onclick: onVerify }, verification === undefined ? "Verify again" : "Again");
  if (verification === undefined) return button;
  if (verification.state === "failed") return h("span", { class: "verify" }, h("span", { class: "badge bad" }, "error"), button);
  const { valid, verifyMilliseconds } = verification.result;
  return h("span", { class: "verify" }, h("span", { class: `badge ${valid ? "good" : "bad"}`, "data-testid": `${testId}-result` }, valid ? "✓ valid" : "✗ invalid", h("span", { class: "time" }, milliseconds(verifyMilliseconds))), button);
}

/** The verdict of a proof verified again, with its public inputs and the proof. */
function verdictBox(options: { valid: boolean; testId: string; verdict: string; body: Child[]; summary: string; names: readonly string[]; publicSignals: string[]; proof: Groth16Proof }): HTMLElement {
  const { valid, proof } = options;
  return h(
    "div",
    { class: `verify-detail ${valid ? "good" : "bad"}`, "data-testid": options.testId },
    h("p", {}, h("strong", {}, options.verdict), ...options.body, valid ? null : " If the circuit was rebuilt since the deployment, the local key is not the deployed verifier's."),
    h(
      "details",
      {},
      h("summary", {}, options.summary),
      h(
        "dl",
        { class: "signals" },
        options.names.flatMap((name, index) => [h("dt", {}, name), h("dd", {}, h("code", { class: "whole" }, options.publicSignals[index] ?? ""))]),
        h("dt", {}, "proof"),
        h("dd", {}, h("code", { class: "whole" }, JSON.stringify({ pi_a: proof.pi_a, pi_b: proof.pi_b, pi_c: proof.pi_c }))),
      ),
    ),
  );
}

function verificationDetail(step: VerifiedStep, verification: Extract<Verification, { state: "done" | "failed" }>): HTMLElement {
  if (verification.state === "failed") return errorBox(verification.error, `Step ${step.step} could not be verified again`);
  const result = verification.result;
  const where = result.method === "submitStep" ? "submitStep" : `submitSteps (entry ${result.batchIndex + 1} of ${result.batchSize})`;
  return verdictBox({
    valid: result.valid,
    testId: "verify-detail",
    verdict: result.valid ? `Step ${step.step}: the proof is valid.` : `Step ${step.step}: the proof does NOT verify.`,
    body: [
      ` groth16.verify in this browser took ${milliseconds(result.verifyMilliseconds)} (${milliseconds(result.totalMilliseconds)} with fetching the transaction and the key). `,
      `Proof decoded from the ${where} calldata of `,
      hashCode(step.transactionHash),
      "; verification key ",
      h("code", {}, `build/circuits/${result.instance}/verification_key.json`),
      ".",
    ],
    summary: "Public inputs (PROTOCOL §7) and proof",
    names: PUBLIC_INPUT_NAMES,
    publicSignals: result.publicSignals,
    proof: result.proof,
  });
}

function mergeVerificationDetail(merge: VerifiedMerge, verification: Extract<MergeVerification, { state: "done" | "failed" }>): HTMLElement {
  if (verification.state === "failed") return errorBox(verification.error, `The merge of step ${merge.step}'s adapter could not be verified again`);
  const result = verification.result;
  return verdictBox({
    valid: result.valid,
    testId: "merge-verify-detail",
    verdict: result.valid ? `Merge of step ${merge.step}'s adapter: the proof is valid.` : `Merge of step ${merge.step}'s adapter: the proof does NOT verify.`,
    body: [
      ` groth16.verify in this browser took ${milliseconds(result.verifyMilliseconds)} (${milliseconds(result.totalMilliseconds)} with fetching the transaction and the key). `,
      "Proof decoded from the recordMerge calldata of ",
      hashCode(merge.transactionHash),
      ` (merge circuit ${result.instance}); public inputs from the run and adapterAfterStep(${merge.step}); verification key `,
      h("code", {}, `build/circuits/${result.instance}/verification_key.json`),
      ".",
    ],
    summary: "Public inputs (PROTOCOL §9) and proof",
    names: MERGE_PUBLIC_INPUT_NAMES,
    publicSignals: result.publicSignals,
    proof: result.proof,
  });
}

async function verifyStep(run: RunSummary, step: VerifiedStep): Promise<void> {
  const connection = state.connection;
  const history = state.history;
  if (connection === undefined || !Array.isArray(history)) return;
  const key = `${run.runId}:${step.step}`;
  const generation = state.generation;
  state.verifications.set(key, { state: "running" });
  renderRun();
  let outcome: Verification;
  try {
    const instance = instanceOfRun(run);
    if (instance === undefined) {
      throw new ActionableError("Unknown circuit", `The run's circuit id ${run.circuitId} is the keccak256 of no instance in circuits/instances.json.`, "Use the project checkout that deployed this registry.");
    }
    outcome = { state: "done", result: await verifyAgain(connection, run, step, history, instance) };
  } catch (error) {
    outcome = { state: "failed", error };
  }
  if (generation !== state.generation) return;
  state.verifications.set(key, outcome);
  renderRun();
}

async function verifyMerge(run: RunSummary, merge: VerifiedMerge): Promise<void> {
  const connection = state.connection;
  const instances = state.data?.instances;
  if (connection === undefined || instances === undefined) return;
  const key = `${run.runId}:${merge.step}`;
  const generation = state.generation;
  state.mergeVerifications.set(key, { state: "running" });
  renderRun();
  let outcome: MergeVerification;
  try {
    outcome = { state: "done", result: await verifyMergeAgain(connection, run, merge, instances) };
  } catch (error) {
    outcome = { state: "failed", error };
  }
  if (generation !== state.generation) return;
  state.mergeVerifications.set(key, outcome);
  renderRun();
}

/** Every step of the run, then every merge. */
async function verifyAll(run: RunSummary): Promise<void> {
  const history = state.history;
  if (!Array.isArray(history)) return;
  for (const step of history) {
    if (state.selectedRun !== run.runId) return;
    await verifyStep(run, step);
  }
  const merges = state.merges;
  if (!Array.isArray(merges)) return;
  for (const merge of merges) {
    if (state.selectedRun !== run.runId) return;
    await verifyMerge(run, merge);
  }
}

// ---------------------------------------------------------------------------------------------
// Base models and datasets
// ---------------------------------------------------------------------------------------------

function renderModels(): void {
  const head = cardHeader("Base models");
  const models = state.models;
  if (models === undefined) { replace(elements.models, head, loading("Reading BaseModelRegistered events…")); return; }
  if (!Array.isArray(models)) { replace(elements.models, head, errorBox(models.error, "Cannot read the base models")); return; }
  if (models.length === 0) { replace(elements.models, head, empty("No base model registered", "prove-and-submit registers its own; anyone can call registerBaseModel.")); return; }
  const rows = models.map((model) =>
    h("tr", {}, cell("Base root", hashCode(hex64(model.baseRoot))), cell("Registrant", hashCode(model.registrant)), cell("URI", model.uri || h("span", { class: "muted" }, "—")), cell("Block", String(model.blockNumber))),
  );
  replace(elements.models, head, table(["Base root", "Registrant", "URI", "Block"], rows));
}

function renderDatasets(): void {
  const head = cardHeader("Datasets");
  const entries = state.datasets;
  if (entries === undefined) { replace(elements.datasets, head, loading("Reading DatasetRegistered events…")); return; }
  if (!Array.isArray(entries)) { replace(elements.datasets, head, errorBox(entries.error, "Cannot read the datasets")); return; }
  if (entries.length === 0) { replace(elements.datasets, head, empty("No dataset registered", "prove-and-submit registers its own; anyone can call registerDataset.")); return; }
  const rows = entries.map((entry) =>
    h(
      "tr",
      {},
      cell("Dataset root", hashCode(hex64(entry.datasetRoot))),
      cell("Examples", String(entry.size)),
      cell("Registrant", hashCode(entry.registrant)),
      cell("URI", entry.uri || h("span", { class: "muted" }, "—")),
      cell("Block", String(entry.blockNumber)),
    ),
  );
  replace(elements.datasets, head, table(["Dataset root", "Examples", "Registrant", "URI", "Block"], rows));
}

// ---------------------------------------------------------------------------------------------
// Provenance search
// ---------------------------------------------------------------------------------------------

function fillInstanceSelect(instances: readonly InstanceInfo[]): void {
  const current = elements.instanceSelect.value;
  // Runs are trained with step circuits; other templates (merge proofs) share their shapes.
  const steps = instances.filter((instance) => instance.template === "LoraStep");
  replace(
    elements.instanceSelect,
    (steps.length > 0 ? steps : instances).map((instance) => {
      const { dIn, dOut, rank } = instance.params;
      return h("option", { value: instance.name }, `${instance.name} (A ${rank}×${dIn}, B ${dOut}×${rank})`);
    }),
  );
  if (instances.some((instance) => instance.name === current)) elements.instanceSelect.value = current;
}

interface Recorded {
  blockNumber: number;
  transactionHash: string;
}

async function lookUp(candidates: SearchCandidate[], intro: HTMLElement | null): Promise<void> {
  const connection = state.connection;
  if (connection === undefined) {
    replace(elements.provenance, errorBox(new ActionableError("Not connected", "The page is not connected to a registry.", "Fix the connection above first.")));
    return;
  }
  const generation = state.generation;
  const asked = candidates.some((candidate) => candidate.mergedRootToo === true) ? "provenanceOf, mergedProvenanceOf" : "provenanceOf";
  replace(elements.provenance, intro, loading(`Asking the registry (${asked})…`));
  const answers = await Promise.all(
    candidates.map(async (candidate) => {
      try {
        const { registry } = connection;
        const [provenance, merged] = await Promise.all([
          adapterProvenance(registry, candidate.commitment),
          candidate.mergedRootToo === true ? mergeProvenance(registry, candidate.commitment) : undefined,
        ]);
        const cards: HTMLElement[] = [];
        if (provenance.verified) {
          const events = await registry.queryFilter(registry.filters.StepVerified(provenance.runId, undefined, candidate.commitment), Number(connection.deploymentBlock));
          const event = events.find((found) => found.args.step === provenance.step);
          cards.push(provenanceCard(candidate, provenance, event === undefined ? undefined : { blockNumber: event.blockNumber, transactionHash: event.transactionHash }));
        }
        if (merged?.verified === true) {
          cards.push(mergedCard(candidate, merged, await mergeRecordedIn(connection, merged.runId, merged.adapter, merged.mergedRoot)));
        }
        return cards.length > 0 ? cards : [notRecordedCard(candidate)];
      } catch (error) {
        return [h("div", { class: "result" }, candidateHead(candidate), errorBox(error, "The registry could not be asked"))];
      }
    }),
  );
  if (generation !== state.generation) return;
  replace(elements.provenance, intro, answers.flat());
}

function candidateHead(candidate: AdapterCandidate, label = candidate.label): HTMLElement {
  return h("div", { class: "result-head" }, h("strong", {}, label), h("span", { class: "muted" }, candidate.source), h("code", { class: "whole commitment" }, hex64(candidate.commitment)));
}

function contextFacts(provenance: { run: RunSummary; baseModel: { uri: string }; dataset: { size: bigint; uri: string } }): HTMLElement[] {
  const { run, baseModel, dataset } = provenance;
  return [
    h("div", { class: "fact" }, h("dt", {}, "Base model"), h("dd", {}, hashCode(hex64(run.baseRoot)), baseModel.uri ? ` ${baseModel.uri}` : "")),
    h("div", { class: "fact" }, h("dt", {}, "Dataset"), h("dd", {}, hashCode(hex64(run.datasetRoot)), ` ${plural(dataset.size, "example")}${dataset.uri ? ` · ${dataset.uri}` : ""}`)),
  ];
}

function recordedFact(recorded: Recorded | undefined): HTMLElement | null {
  return recorded === undefined ? null : h("div", { class: "fact" }, h("dt", {}, "Recorded in"), h("dd", {}, `block ${recorded.blockNumber} · `, hashCode(recorded.transactionHash)));
}

function notRecordedCard(candidate: SearchCandidate): HTMLElement {
  const initialOf = Array.isArray(state.runs) ? state.runs.filter((run) => run.initialAdapter === candidate.commitment) : [];
  return h(
    "div",
    { class: "result not-found", "data-testid": "provenance-result" },
    candidateHead(candidate),
    h(
      "p",
      { class: "answer" },
      h("span", { class: "badge warn" }, "Not recorded"),
      candidate.mergedRootToo === true
        ? " No verified step of this registry produced this adapter, and no merge recorded in it has this merged root."
        : " No verified step of this registry produced this adapter.",
    ),
    initialOf.length === 0
      ? null
      : h("p", { class: "muted" }, `It is the initial adapter of run${initialOf.length > 1 ? "s" : ""} `, initialOf.flatMap((run, index) => [index > 0 ? ", " : "", runLink(run.runId, String(run.runId))]), ": where training started, not something it produced."),
  );
}

function provenanceCard(candidate: SearchCandidate, provenance: Extract<AdapterProvenance, { verified: true }>, recorded: Recorded | undefined): HTMLElement {
  const { run, runId, step, merge } = provenance;
  return h(
    "div",
    { class: "result found", "data-testid": "provenance-result" },
    candidateHead(candidate, candidate.mergedRootToo === true ? "Adapter commitment" : candidate.label),
    h("p", { class: "answer" }, h("span", { class: "badge good" }, "Recorded"), " Produced by ", h("strong", {}, `run ${runId}, step ${step}`), " (verified training). ", runLink(runId, `Open run ${runId} →`, { kind: "step", step })),
    h(
      "dl",
      { class: "facts compact" },
      contextFacts(provenance),
      h("div", { class: "fact" }, h("dt", {}, "Trainer"), h("dd", {}, hashCode(run.trainer))),
      recordedFact(recorded),
      h(
        "div",
        { class: "fact", "data-testid": "adapter-merge" },
        h("dt", {}, "Merged weights"),
        merge === undefined
          ? h("dd", { class: "muted" }, "no merge recorded")
          : h("dd", {}, hashCode(hex64(merge.mergedRoot)), " ", runLink(runId, "merge →", { kind: "merge", step })),
      ),
    ),
  );
}

function mergedCard(candidate: SearchCandidate, merged: Extract<MergedProvenance, { verified: true }>, recorded: Recorded | undefined): HTMLElement {
  const { run, runId, step } = merged;
  return h(
    "div",
    { class: "result found", "data-testid": "provenance-result" },
    candidateHead(candidate, "Merged root"),
    h(
      "p",
      { class: "answer" },
      h("span", { class: "badge good" }, "Recorded merge"),
      " These merged weights are exactly W0 + α·B·A of the adapter of ",
      h("strong", {}, `run ${runId}, step ${step}`),
      " (proven, PROTOCOL §9). ",
      runLink(runId, `Open run ${runId} →`, { kind: "merge", step }),
    ),
    h(
      "dl",
      { class: "facts compact" },
      h("div", { class: "fact" }, h("dt", {}, "Adapter"), h("dd", {}, hashCode(hex64(merged.adapter)))),
      contextFacts(merged),
      h("div", { class: "fact" }, h("dt", {}, "Trainer"), h("dd", {}, hashCode(run.trainer))),
      h("div", { class: "fact" }, h("dt", {}, "Merge recorded by"), h("dd", {}, hashCode(merged.recorder))),
      recordedFact(recorded),
    ),
  );
}

function searchCommitment(): void {
  const text = elements.searchInput.value;
  if (text.trim() === "") {
    replace(elements.provenance, errorBox(new ActionableError("Nothing to look up", "Paste an adapter commitment or a merged root (0x-hex or decimal), or drop an adapter file.")));
    return;
  }
  try {
    const commitment = parseCommitment(text);
    void lookUp([{ label: "Commitment", source: "pasted: looked up as an adapter and as a merged root", commitment, mergedRootToo: true }], null);
  } catch (error) {
    replace(elements.provenance, errorBox(error, "Not a commitment"));
  }
}

async function searchFile(file: File): Promise<void> {
  if (state.data === undefined) return;
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    replace(elements.provenance, errorBox(error, `Cannot read ${file.name}`));
    return;
  }
  try {
    // The commitment code (Poseidon's constants) loads on the first file.
    const { parseAdapterFile } = await import("./adapterFile.js");
    const parsed = parseAdapterFile(text, state.data.instances, elements.instanceSelect.value, elements.encodingSelect.value as Encoding);
    const intro = h(
      "p",
      { class: "muted file-note" },
      h("strong", {}, file.name),
      `: instance ${parsed.instance} (${parsed.instanceSource === "file" ? "from the file" : "chosen here"}), encoding "${parsed.encoding}" (${parsed.encodingSource === "file" ? "from the file" : "chosen here"}); `,
      `${plural(parsed.candidates.length, "commitment")} computed in this browser in ${milliseconds(parsed.milliseconds)}.`,
    );
    await lookUp(parsed.candidates, intro);
  } catch (error) {
    replace(elements.provenance, errorBox(error, error instanceof AdapterFileError || error instanceof RangeError ? `${file.name} is not a usable adapter file` : `Cannot use ${file.name}`));
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

elements.rpcForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const parameters = new URLSearchParams(location.search);
  parameters.set("rpc", elements.rpcUrl.value.trim());
  history.replaceState(null, "", `${location.pathname}?${parameters.toString()}${location.hash}`);
  void connectAndLoad();
});
elements.search.addEventListener("submit", (event) => {
  event.preventDefault();
  searchCommitment();
});
elements.fileInput.addEventListener("change", () => {
  const file = elements.fileInput.files?.[0];
  if (file !== undefined) void searchFile(file);
  elements.fileInput.value = "";
});
for (const type of ["dragenter", "dragover"]) {
  elements.dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    elements.dropZone.classList.add("dragging");
  });
}
for (const type of ["dragleave", "drop"]) elements.dropZone.addEventListener(type, () => elements.dropZone.classList.remove("dragging"));
elements.dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) void searchFile(file);
});
window.addEventListener("hashchange", () => {
  const runId = requestedRun();
  if (runId !== undefined && runId !== state.selectedRun) void selectRun(runId);
});

async function start(): Promise<void> {
  const fromQuery = new URLSearchParams(location.search).get("rpc");
  let defaultRpc = "http://127.0.0.1:8545";
  try {
    defaultRpc = (await fetchLedgerData()).defaultRpc;
  } catch {
    // connectAndLoad reports it
  }
  elements.rpcUrl.value = fromQuery ?? defaultRpc;
  await connectAndLoad();
}

void start();
