/** What several views show the same way: a run's link, its start and lineage, a circuit's name, α and lr; and what they can ask for. */
import type { RunSummary, VerifiedCheckpoint, VerifiedMerge } from "../../../src/chain/index.js";
import { fromFixed } from "../../../src/protocol/index.js";
import { instanceOfCircuit } from "../chain.js";
import { state, type RunPart } from "../state.js";
import { h, hashCode } from "../ui/dom.js";
import { plural } from "../ui/parts.js";

/** What a view's links and buttons ask for (explorer/src/actions.ts does it). */
export interface Actions {
  /** Connects again and reads everything again. */
  refresh(): void;
  /** Shows run `runId` and scrolls to it, or to `highlight` in it. */
  selectRun(runId: bigint, highlight?: RunPart): void;
  verifyStart(run: RunSummary): void;
  verifyCheckpoint(run: RunSummary, checkpoint: VerifiedCheckpoint): void;
  verifyMerge(run: RunSummary, merge: VerifiedMerge): void;
  verifyAll(run: RunSummary): void;
}

export function runLink(actions: Actions, runId: bigint, text: string, highlight?: RunPart): HTMLElement {
  return h(
    "a",
    {
      href: `#run=${runId}`,
      onclick: (event: Event) => {
        event.preventDefault();
        // A link inside a clickable row (a parent run in the runs table) opens the link's run, not the row's.
        event.stopPropagation();
        actions.selectRun(runId, highlight);
      },
    },
    text,
  );
}

/** "run R after S steps", the name of an adapter the registry vouches for (S = 0: the run's start). */
export function runAfterSteps(runId: bigint, steps: bigint): string {
  return `run ${runId} after ${plural(steps, "step")}`;
}

/** A link to the row of run `runId` that recorded its adapter after `steps` steps: its start or a checkpoint. */
export function adapterLink(actions: Actions, runId: bigint, steps: bigint, text: string): HTMLElement {
  return runLink(actions, runId, text, steps === 0n ? { kind: "start", steps } : { kind: "checkpoint", steps });
}

/** How a run started: "canonical start, seed N", or "continues run P after S steps" linking to the parent's row. */
export function startOf(actions: Actions, run: RunSummary): HTMLElement {
  const { origin } = run;
  if (origin.kind === "seed")
    return h(
      "span",
      { class: "origin", "data-origin": "seed" },
      "canonical start, seed ",
      h("strong", {}, String(origin.seed)),
    );
  return h(
    "span",
    { class: "origin", "data-origin": "parent" },
    "continues ",
    adapterLink(actions, origin.parentRunId, origin.parentSteps, runAfterSteps(origin.parentRunId, origin.parentSteps)),
  );
}

/** A run's lineage (runLineage: the run, its parent, … its canonical start), one line per run. */
export function lineageList(actions: Actions, lineage: readonly RunSummary[]): HTMLElement {
  return h(
    "ol",
    { class: "lineage", "data-testid": "lineage" },
    lineage.map((run) => h("li", {}, runLink(actions, run.runId, `Run ${run.runId}`), ": ", startOf(actions, run))),
  );
}

/** The instance a circuit id names, as the page's data declares it. */
export function instanceNamed(circuitId: string): ReturnType<typeof instanceOfCircuit> {
  return state.data === undefined ? undefined : instanceOfCircuit(circuitId, state.data.instances);
}

export function circuitName(circuitId: string): HTMLElement {
  const instance = instanceNamed(circuitId);
  return instance === undefined
    ? h("span", { class: "muted", title: circuitId }, "unknown circuit ", hashCode(circuitId))
    : h("span", { class: "circuit", title: `circuit id ${circuitId}` }, instance.name);
}

/**
 * α or lr as the real number it stands for, α̂ / 2^F with F of the run's checkpoint instance (PROTOCOL §2);
 * the integer alone when the instance is not in this checkout.
 */
export function hyperparameter(run: RunSummary, value: bigint): HTMLElement {
  const F = run.checkpointInstance?.params.F;
  if (F === undefined)
    return h(
      "span",
      { title: "fixed point, scale unknown: the instance is not in this checkout" },
      `${value} (fixed point)`,
    );
  return h(
    "span",
    { class: "real", title: `${value} / 2^${F} (fixed point, PROTOCOL §2)` },
    String(fromFixed(value, F)),
  );
}
