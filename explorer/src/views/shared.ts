/** What several views show the same way: a run's link, a circuit's name; and what they can ask for. */
import type { RunSummary, VerifiedMerge, VerifiedStep } from "../../../src/chain/index.js";
import { instanceOfCircuit } from "../chain.js";
import type { InstanceInfo } from "../ledgerData.js";
import { state, type Highlight } from "../state.js";
import { h, hashCode } from "../ui/dom.js";

/** What a view's links and buttons ask for (explorer/src/actions.ts does it). */
export interface Actions {
  /** Connects again and reads everything again. */
  refresh(): void;
  /** Shows run `runId` and scrolls to it, or to `highlight` in it. */
  selectRun(runId: bigint, highlight?: Highlight): void;
  verifyStep(run: RunSummary, step: VerifiedStep): void;
  verifyMerge(run: RunSummary, merge: VerifiedMerge): void;
  verifyAll(run: RunSummary): void;
}

export function runLink(actions: Actions, runId: bigint, text: string, highlight?: Highlight): HTMLElement {
  return h(
    "a",
    {
      href: `#run=${runId}`,
      onclick: (event: Event) => {
        event.preventDefault();
        actions.selectRun(runId, highlight);
      },
    },
    text,
  );
}

/** The instance a run was trained with, when circuits/instances.json declares it. */
export function instanceOfRun(run: RunSummary): InstanceInfo | undefined {
  return state.data === undefined ? undefined : instanceOfCircuit(run.circuitId, state.data.instances);
}

export function circuitName(circuitId: string): HTMLElement {
  const instance = state.data === undefined ? undefined : instanceOfCircuit(circuitId, state.data.instances);
  return instance === undefined
    ? h("span", { class: "muted", title: circuitId }, "unknown circuit ", hashCode(circuitId))
    : h("span", { class: "circuit", title: `circuit id ${circuitId}` }, instance.name);
}
