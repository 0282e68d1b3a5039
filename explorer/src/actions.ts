/**
 * What the page does: connect and read the registry, open a run, verify proofs again. Each changes
 * the state (state.ts) through its functions, then renders the views it changed.
 */
import {
  listRuns,
  runHistory,
  runMerges,
  type RunSummary,
  type VerifiedMerge,
  type VerifiedStep,
} from "../../src/chain/index.js";
import { baseModels, connect, datasets, mergeCount, type Connection } from "./chain.js";
import { ActionableError, errorMessage } from "./errors.js";
import { LEDGER_DATA_URL, type LedgerData } from "./ledgerData.js";
import {
  beginConnection,
  beginRunSelection,
  isCurrent,
  selectedRunRead,
  setConnection,
  setHighlight,
  setLedgerData,
  setMergeVerification,
  setVerification,
  state,
  storeRead,
  storeRunReads,
  type Failed,
  type Highlight,
  type MergeVerification,
  type RegistryReads,
  type Verification,
} from "./state.js";
import { page } from "./ui/page.js";
import { replace } from "./ui/dom.js";
import { renderOverview } from "./views/overview.js";
import { renderDatasets, renderModels } from "./views/registrations.js";
import { highlightedRow, renderRun } from "./views/run.js";
import { renderRuns } from "./views/runs.js";
import { fillInstanceSelect } from "./views/search.js";
import { instanceOfRun, type Actions } from "./views/shared.js";
import { renderConnecting, renderConnectionFailed, renderStatus } from "./views/status.js";
import { verifyAgain, verifyMergeAgain } from "./verify.js";

/** What the views' links and buttons call. */
export const actions: Actions = {
  refresh: () => void connectAndLoad(),
  selectRun: (runId, highlight) => void selectRun(runId, highlight),
  verifyStep: (run, step) => void verifyStep(run, step),
  verifyMerge: (run, merge) => void verifyMerge(run, merge),
  verifyAll: (run) => void verifyAll(run),
};

function renderAll(): void {
  renderOverview();
  renderRuns(actions);
  renderRun(actions);
  renderModels();
  renderDatasets();
}

/** A read that may fail: the failure is kept for the section to show. */
async function attempt<T>(read: () => Promise<T>): Promise<T | Failed> {
  try {
    return await read();
  } catch (error) {
    return { error };
  }
}

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

/** The run the address asks for (#run=N). */
export function requestedRun(): bigint | undefined {
  const match = /run=(\d+)/.exec(location.hash);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

/** The project's data (deployments, instances, default RPC) from the explorer's server. */
export async function fetchLedgerData(): Promise<LedgerData> {
  let response: Response;
  try {
    response = await fetch(LEDGER_DATA_URL, { cache: "no-store" });
  } catch (error) {
    throw new ActionableError(
      "The explorer's server is unreachable",
      errorMessage(error),
      "Start it again: `npm run explorer`",
    );
  }
  if (!response.ok) {
    throw new ActionableError(
      "The project's data is missing",
      `${LEDGER_DATA_URL} answered HTTP ${response.status}.`,
      "Serve the page with `npm run explorer` (its Vite plugin serves the deployments, instances and verification keys).",
    );
  }
  return (await response.json()) as LedgerData;
}

/** (Re)connects to the URL of the top bar and reads everything again; an older connection's answers are dropped. */
export async function connectAndLoad(): Promise<void> {
  const generation = beginConnection();
  page.content.hidden = true;
  replace(page.overview);
  const url = page.rpcUrl.value.trim();
  renderConnecting(url);
  const connection = await reachRegistry(url, generation);
  if (connection === undefined) return;
  renderStatus(actions);
  page.content.hidden = false;
  renderAll();
  await readRegistry(connection, generation);
  if (!isCurrent(generation)) return;
  await openInitialRun();
}

/** Phase 1: the project's data, then the node and the registry recorded for its chain (?chain=ID checked). */
async function reachRegistry(url: string, generation: number): Promise<Connection | undefined> {
  try {
    const data = await fetchLedgerData();
    setLedgerData(data);
    fillInstanceSelect(data.instances);
    const chainParameter = new URLSearchParams(location.search).get("chain");
    const connection = await connect(
      url,
      data,
      chainParameter === null || !/^\d+$/.test(chainParameter) ? undefined : BigInt(chainParameter),
    );
    if (!isCurrent(generation)) {
      connection.provider.destroy();
      return undefined;
    }
    setConnection(connection);
    return connection;
  } catch (error) {
    if (isCurrent(generation)) renderConnectionFailed(error);
    return undefined;
  }
}

/** Phase 2: the runs, base models, datasets and merge count, each shown as soon as it answers. */
async function readRegistry(connection: Connection, generation: number): Promise<void> {
  const load = async <K extends keyof RegistryReads>(
    key: K,
    read: () => Promise<Exclude<RegistryReads[K], Failed | undefined>>,
  ): Promise<void> => {
    const value = await attempt(read);
    if (!isCurrent(generation)) return;
    storeRead(key, value as RegistryReads[K]);
    renderAll();
  };
  await Promise.all([
    load("runs", () => listRuns(connection.registry)),
    load("models", () => baseModels(connection)),
    load("datasets", () => datasets(connection)),
    load("mergeCount", () => mergeCount(connection)),
  ]);
}

/** Phase 3: the run the address asks for, else the newest, opened without scrolling. */
async function openInitialRun(): Promise<void> {
  const runs = Array.isArray(state.runs) ? state.runs : [];
  const wanted = requestedRun();
  const initial = wanted !== undefined && runs.some((run) => run.runId === wanted) ? wanted : runs.at(-1)?.runId;
  if (initial !== undefined) await selectRun(initial, undefined, false);
}

// ---------------------------------------------------------------------------------------------
// A run
// ---------------------------------------------------------------------------------------------

/** Shows run `runId` (its history and merges read unless they are), pointing at `highlight`. */
export async function selectRun(runId: bigint, highlight?: Highlight, scroll = true): Promise<void> {
  const connection = state.connection;
  if (connection === undefined) return;
  if (location.hash !== `#run=${runId}`)
    history.replaceState(null, "", `${location.pathname}${location.search}#run=${runId}`);
  setHighlight(highlight);
  if (!selectedRunRead(runId) && !(await readRun(connection, runId))) return;
  renderRuns(actions);
  renderRun(actions);
  if (scroll) {
    const row = highlightedRow(highlight);
    (row ?? page.run).scrollIntoView({ behavior: "smooth", block: row === null ? "start" : "center" });
  }
}

/** A run's StepVerified and MergeVerified events; false when the answer came too late (another run or connection). */
async function readRun(connection: Connection, runId: bigint): Promise<boolean> {
  const generation = state.generation;
  beginRunSelection(runId);
  renderRuns(actions);
  renderRun(actions);
  const [steps, merges] = await Promise.all([
    attempt(() => runHistory(connection.registry, runId)),
    attempt(() => runMerges(connection.registry, runId)),
  ]);
  if (!isCurrent(generation) || state.selectedRun !== runId) return false;
  storeRunReads(steps, merges);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Verify again
// ---------------------------------------------------------------------------------------------

async function verifyStep(run: RunSummary, step: VerifiedStep): Promise<void> {
  const connection = state.connection;
  const history = state.history;
  if (connection === undefined || !Array.isArray(history)) return;
  const generation = state.generation;
  setVerification(run.runId, step.step, { state: "running" });
  renderRun(actions);
  let outcome: Verification;
  try {
    const instance = instanceOfRun(run);
    if (instance === undefined) {
      throw new ActionableError(
        "Unknown circuit",
        `The run's circuit id ${run.circuitId} is the keccak256 of no instance in circuits/instances.json.`,
        "Use the project checkout that deployed this registry.",
      );
    }
    outcome = { state: "done", result: await verifyAgain(connection, run, step, history, instance) };
  } catch (error) {
    outcome = { state: "failed", error };
  }
  if (!isCurrent(generation)) return;
  setVerification(run.runId, step.step, outcome);
  renderRun(actions);
}

async function verifyMerge(run: RunSummary, merge: VerifiedMerge): Promise<void> {
  const connection = state.connection;
  const instances = state.data?.instances;
  if (connection === undefined || instances === undefined) return;
  const generation = state.generation;
  setMergeVerification(run.runId, merge.step, { state: "running" });
  renderRun(actions);
  let outcome: MergeVerification;
  try {
    outcome = { state: "done", result: await verifyMergeAgain(connection, run, merge, instances) };
  } catch (error) {
    outcome = { state: "failed", error };
  }
  if (!isCurrent(generation)) return;
  setMergeVerification(run.runId, merge.step, outcome);
  renderRun(actions);
}

/** Every step of the run, then every merge, one after the other (stops when another run is opened). */
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
