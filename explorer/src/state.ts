/**
 * What the page knows: the project's data, the connection, what was read from the registry, the
 * selected run and the proofs verified again. The views read it; only the functions below change it.
 */
import type { BaseModelEntry, Connection, DatasetEntry } from "./chain.js";
import type { RunSummary, VerifiedMerge, VerifiedStep } from "../../src/chain/index.js";
import type { LedgerData } from "./ledgerData.js";
import type { MergeReverification, Reverification } from "./verify.js";

/** A read that failed: the section shows the error. */
export interface Failed {
  error: unknown;
}

/** A read of a run: `"loading"` until it answers. */
export type RunRead<T> = T | "loading" | Failed;

export type Outcome<T> = { state: "running" } | { state: "done"; result: T } | { state: "failed"; error: unknown };
export type Verification = Outcome<Reverification>;
export type MergeVerification = Outcome<MergeReverification>;

/** A row of the run's view to point at: a step of its history, or the merge of a step's adapter. */
export interface Highlight {
  kind: "step" | "merge";
  step: bigint;
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
  history?: RunRead<VerifiedStep[]>;
  /** the selected run's merges (MergeVerified events) */
  merges?: RunRead<VerifiedMerge[]>;
  highlight?: Highlight;
  /** by verificationKey(runId, step) */
  verifications: Map<string, Verification>;
  mergeVerifications: Map<string, MergeVerification>;
  /** bumped on every (re)connection: results of an older one are dropped */
  generation: number;
}

/** The state as the views see it. */
export type PageState = Readonly<Omit<State, "verifications" | "mergeVerifications">> & {
  readonly verifications: ReadonlyMap<string, Verification>;
  readonly mergeVerifications: ReadonlyMap<string, MergeVerification>;
};

const current: State = { verifications: new Map(), mergeVerifications: new Map(), generation: 0 };

export const state: PageState = current;

/** The reads of the registry made on connection, one per overview section. */
export type RegistryReads = Pick<State, "runs" | "models" | "datasets" | "mergeCount">;

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
    mergeCount: undefined,
    history: undefined,
    merges: undefined,
  });
  current.verifications.clear();
  current.mergeVerifications.clear();
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

export function setHighlight(highlight: Highlight | undefined): void {
  current.highlight = highlight;
}

/** A run becomes the selected one; its history and merges are being read. */
export function beginRunSelection(runId: bigint): void {
  current.selectedRun = runId;
  current.history = "loading";
  current.merges = "loading";
}

export function storeRunReads(history: VerifiedStep[] | Failed, merges: VerifiedMerge[] | Failed): void {
  current.history = history;
  current.merges = merges;
}

export function setVerification(runId: bigint, step: bigint, outcome: Verification): void {
  current.verifications.set(verificationKey(runId, step), outcome);
}

export function setMergeVerification(runId: bigint, step: bigint, outcome: MergeVerification): void {
  current.mergeVerifications.set(verificationKey(runId, step), outcome);
}

// ---------------------------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------------------------

export function verificationKey(runId: bigint, step: bigint): string {
  return `${runId}:${step}`;
}

/** Whether `generation` is still the current connection's (an answer to an older one is dropped). */
export function isCurrent(generation: number): boolean {
  return generation === current.generation;
}

/** The run `runId` among those read, if any. */
export function runOf(runId: bigint | undefined): RunSummary | undefined {
  return Array.isArray(current.runs) ? current.runs.find((run) => run.runId === runId) : undefined;
}

/** Whether the selected run's history and merges are read (not loading, not failed). */
export function selectedRunRead(runId: bigint): boolean {
  return current.selectedRun === runId && Array.isArray(current.history) && Array.isArray(current.merges);
}

export function isHighlighted(kind: Highlight["kind"], step: bigint): boolean {
  return current.highlight?.kind === kind && current.highlight.step === step;
}
