/**
 * What the page does: connect and read the registry, open a run, verify proofs again. Each changes
 * the state (state.ts) through its functions, then renders the views it changed.
 */
import {
  listRuns,
  runEvaluations,
  runHistory,
  runMerges,
  type RunSummary,
  type VerifiedCheckpoint,
  type VerifiedMerge,
} from "../../src/chain/index.js";
import {
  baseModels,
  connect,
  datasets,
  mergeCount,
  projections,
  runLineageWithVerifiers,
  runStartedIn,
  verifiers,
  type Connection,
} from "./chain.js";
import { ActionableError, errorMessage } from "./errors.js";
import { LEDGER_DATA_URL, type LedgerData } from "./ledgerData.js";
import {
  beginConnection,
  beginRunSelection,
  checkpointPart,
  isCurrent,
  mergePart,
  readDetails,
  selectedRunRead,
  setConnection,
  setHighlight,
  setLedgerData,
  setVerification,
  START_PART,
  state,
  storeRead,
  storeRunDetails,
  type Failed,
  type RegistryReads,
  type RunDetails,
  type RunPart,
  type Verification,
} from "./state.js";
import { page } from "./ui/page.js";
import { replace } from "./ui/dom.js";
import { renderOverview } from "./views/overview.js";
import { renderDatasets, renderModels, renderProjections, renderVerifiers } from "./views/registrations.js";
import { highlightedRow, renderRun } from "./views/run.js";
import { renderRuns } from "./views/runs.js";
import { fillInstanceSelect } from "./views/search.js";
import type { Actions } from "./views/shared.js";
import { renderConnecting, renderConnectionFailed, renderStatus } from "./views/status.js";
import { verifyCheckpointAgain, verifyMergeAgain, verifyStartAgain, type Reverification } from "./verify.js";

/** What the views' links and buttons call. */
export const actions: Actions = {
  refresh: () => void connectAndLoad(),
  selectRun: (runId, highlight) => void selectRun(runId, highlight),
  verifyStart: (run) => void verifyStart(run),
  verifyCheckpoint: (run, checkpoint) => void verifyCheckpoint(run, checkpoint),
  verifyMerge: (run, merge) => void verifyMerge(run, merge),
  verifyAll: (run) => void verifyAll(run),
};

function renderAll(): void {
  renderOverview();
  renderRuns(actions);
  renderRun(actions);
  renderModels();
  renderDatasets();
  renderProjections(actions);
  renderVerifiers();
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

/** Phase 2: the runs, base models, datasets, projections, merge count and verifiers, each shown as soon as it answers. */
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
    load("projections", () => projections(connection)),
    load("mergeCount", () => mergeCount(connection)),
    load("verifiers", () => verifiers(connection)),
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

/** Shows run `runId` (its details read unless they are), pointing at `highlight`. */
export async function selectRun(runId: bigint, highlight?: RunPart, scroll = true): Promise<void> {
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

/** A run's checkpoints, merges, reported evaluations, lineage and start; false when the answer came too late (another run or connection). */
async function readRun(connection: Connection, runId: bigint): Promise<boolean> {
  const generation = state.generation;
  beginRunSelection(runId);
  renderRuns(actions);
  renderRun(actions);
  const { registry } = connection;
  const details = await attempt(async (): Promise<RunDetails> => {
    const [checkpoints, merges, evaluations, lineage, started] = await Promise.all([
      runHistory(registry, runId),
      runMerges(registry, runId),
      runEvaluations(registry, runId),
      runLineageWithVerifiers(connection, runId),
      runStartedIn(connection, runId),
    ]);
    return { checkpoints, merges, evaluations, lineage, started };
  });
  if (!isCurrent(generation) || state.selectedRun !== runId) return false;
  storeRunDetails(details);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Verify again
// ---------------------------------------------------------------------------------------------

/** Runs one verification, showing it as running, then its outcome (dropped if the page reconnected meanwhile). */
async function verifyPart(run: RunSummary, part: RunPart, verify: () => Promise<Reverification>): Promise<void> {
  const generation = state.generation;
  setVerification(run.runId, part, { state: "running" });
  renderRun(actions);
  let outcome: Verification;
  try {
    outcome = { state: "done", result: await verify() };
  } catch (error) {
    outcome = { state: "failed", error };
  }
  if (!isCurrent(generation)) return;
  setVerification(run.runId, part, outcome);
  renderRun(actions);
}

/** The connection and the project's instances, which every verification needs. */
function verificationContext(): { connection: Connection; instances: LedgerData["instances"] } | undefined {
  const connection = state.connection;
  const instances = state.data?.instances;
  return connection === undefined || instances === undefined ? undefined : { connection, instances };
}

async function verifyStart(run: RunSummary): Promise<void> {
  const context = verificationContext();
  if (context === undefined) return;
  await verifyPart(run, START_PART, () => verifyStartAgain(context.connection, run, context.instances));
}

async function verifyCheckpoint(run: RunSummary, checkpoint: VerifiedCheckpoint): Promise<void> {
  const context = verificationContext();
  const checkpoints = readDetails()?.checkpoints;
  if (context === undefined || checkpoints === undefined) return;
  await verifyPart(run, checkpointPart(checkpoint), () =>
    verifyCheckpointAgain(context.connection, run, checkpoint, checkpoints, context.instances),
  );
}

async function verifyMerge(run: RunSummary, merge: VerifiedMerge): Promise<void> {
  const context = verificationContext();
  if (context === undefined) return;
  await verifyPart(run, mergePart(merge), () => verifyMergeAgain(context.connection, run, merge, context.instances));
}

/** The run's start, then every checkpoint, then every merge, one after the other (stops when another run is opened). */
async function verifyAll(run: RunSummary): Promise<void> {
  const details = readDetails();
  if (details === undefined) return;
  const stillSelected = (): boolean => state.selectedRun === run.runId;
  await verifyStart(run);
  for (const checkpoint of details.checkpoints) {
    if (!stillSelected()) return;
    await verifyCheckpoint(run, checkpoint);
  }
  for (const merge of details.merges) {
    if (!stillSelected()) return;
    await verifyMerge(run, merge);
  }
}
