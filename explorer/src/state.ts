/**
 * What the page knows: the project's data, the connection, what was read from the registry, the
 * selected run and the proofs verified again. The views read it; only the functions below change it.
 */
import type {
  BaseModelEntry,
  Connection,
  DatasetEntry,
  LineageEntry,
  ProjectionEntry,
  Recorded,
  VerifierEntry,
} from "./chain.js";
import type { ReportedEvaluation, RunSummary, VerifiedCheckpoint, VerifiedMerge } from "../../src/chain/index.js";
import type { LedgerData } from "./ledgerData.js";
import type { Reverification } from "./verify.js";

/** A read that failed: the section shows the error. */
export interface Failed {
  error: unknown;
}

/** A read of a run: `"loading"` until it answers. */
export type RunRead<T> = T | "loading" | Failed;

export type Outcome<T> = { state: "running" } | { state: "done"; result: T } | { state: "failed"; error: unknown };
export type Verification = Outcome<Reverification>;

/** What the selected run's view shows beyond its summary. */
export interface RunDetails {
  /** its CheckpointVerified events, in step order */
  checkpoints: VerifiedCheckpoint[];
  /** its MergeVerified events, in step order */
  merges: VerifiedMerge[];
  /** its EvaluationReported events, in step order: the trainer's word, not proven */
  evaluations: ReportedEvaluation[];
  /** the run, then the run it continues, … back to its canonical start, each with its checkpoint verifier */
  lineage: LineageEntry[];
  /** the startRun transaction (its RunStarted event) */
  started: Recorded | undefined;
}

/**
 * What of a run a row shows, by the run's step count it ends at: its start (0 steps), the checkpoint
 * that ended at `steps`, or the merge of the adapter after `steps` steps.
 */
export interface RunPart {
  kind: "start" | "checkpoint" | "merge";
  steps: bigint;
}

/** The run's start: the adapter after 0 steps. */
export const START_PART: RunPart = { kind: "start", steps: 0n };

/** A checkpoint is named by the step count it ends at: its adapter is the run's after that many steps. */
export function checkpointPart(checkpoint: Pick<VerifiedCheckpoint, "firstStep" | "steps">): RunPart {
  return { kind: "checkpoint", steps: checkpoint.firstStep + checkpoint.steps };
}

export function mergePart(merge: Pick<VerifiedMerge, "steps">): RunPart {
  return { kind: "merge", steps: merge.steps };
}

interface State {
  data?: LedgerData;
  connection?: Connection;
  runs?: RunSummary[] | Failed;
  models?: BaseModelEntry[] | Failed;
  datasets?: DatasetEntry[] | Failed;
  projections?: ProjectionEntry[] | Failed;
  /** merges recorded in the registry, every run */
  mergeCount?: number | Failed;
  /** every registered verifier, by circuit id (lowercase) */
  verifiers?: ReadonlyMap<string, VerifierEntry> | Failed;
  selectedRun?: bigint;
  details?: RunRead<RunDetails>;
  /** the row of the selected run's view to point at */
  highlight?: RunPart;
  /** by partKey(runId, part) */
  verifications: Map<string, Verification>;
  /** bumped on every (re)connection: results of an older one are dropped */
  generation: number;
}

/** The state as the views see it. */
export type PageState = Readonly<Omit<State, "verifications">> & {
  readonly verifications: ReadonlyMap<string, Verification>;
};

const current: State = { verifications: new Map(), generation: 0 };

export const state: PageState = current;

/** The reads of the registry made on connection, one per overview section. */
export type RegistryReads = Pick<State, "runs" | "models" | "datasets" | "projections" | "mergeCount" | "verifiers">;

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

/** Forgets everything read through the previous connection (and closes it); returns the new generation. */
export function beginConnection(): number {
  const generation = ++current.generation;
  current.connection?.provider.destroy();
  Object.assign(current, {
    connection: undefined,
    runs: undefined,
    models: undefined,
    datasets: undefined,
    projections: undefined,
    mergeCount: undefined,
    verifiers: undefined,
    details: undefined,
  });
  current.verifications.clear();
  return generation;
}

export function setLedgerData(data: LedgerData): void {
  current.data = data;
}

export function setConnection(connection: Connection): void {
  current.connection = connection;
}

export function storeRead<K extends keyof RegistryReads>(key: K, value: RegistryReads[K]): void {
  const reads: RegistryReads = current;
  reads[key] = value;
}

export function setHighlight(highlight: RunPart | undefined): void {
  current.highlight = highlight;
}

/** A run becomes the selected one; its details are being read. */
export function beginRunSelection(runId: bigint): void {
  current.selectedRun = runId;
  current.details = "loading";
}

export function storeRunDetails(details: RunDetails | Failed): void {
  current.details = details;
}

export function setVerification(runId: bigint, part: RunPart, outcome: Verification): void {
  current.verifications.set(partKey(runId, part), outcome);
}

// ---------------------------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------------------------

export function partKey(runId: bigint, part: RunPart): string {
  return `${runId}:${part.kind}:${part.steps}`;
}

/** Whether `generation` is still the current connection's (an answer to an older one is dropped). */
export function isCurrent(generation: number): boolean {
  return generation === current.generation;
}

/** The run `runId` among those read, if any. */
export function runOf(runId: bigint | undefined): RunSummary | undefined {
  return Array.isArray(current.runs) ? current.runs.find((run) => run.runId === runId) : undefined;
}

/** The selected run's details when they are read (not loading, not failed). */
export function readDetails(): RunDetails | undefined {
  const details = current.details;
  return details === undefined || details === "loading" || "error" in details ? undefined : details;
}

/** Whether run `runId` is the selected one and its details are read. */
export function selectedRunRead(runId: bigint): boolean {
  return current.selectedRun === runId && readDetails() !== undefined;
}

/** The registered verifiers by circuit id, when they are read (not loading, not failed). */
export function readVerifiers(): ReadonlyMap<string, VerifierEntry> | undefined {
  const verifiers = current.verifiers;
  return verifiers === undefined || "error" in verifiers ? undefined : verifiers;
}

/** The registered verifier of `circuitId`, when the verifiers are read. */
export function verifierEntry(circuitId: string): VerifierEntry | undefined {
  return readVerifiers()?.get(circuitId.toLowerCase());
}

export function isHighlighted(part: RunPart): boolean {
  return current.highlight?.kind === part.kind && current.highlight.steps === part.steps;
}
