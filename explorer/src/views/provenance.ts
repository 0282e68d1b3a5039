/** The answers of a provenance search: one card per commitment and what the registry says of it. */
import type { AdapterProvenance, MergedProvenance, RunContext, RunSummary } from "../../../src/chain/index.js";
import { toHex32 } from "../../../src/protocol/index.js";
import type { AdapterCandidate } from "../adapterFile.js";
import type { Recorded } from "../chain.js";
import { h, hashCode } from "../ui/dom.js";
import { errorBox, fact, fieldCode, plural } from "../ui/parts.js";
import { adapterLink, lineageList, runAfterSteps, runLink, type Actions } from "./shared.js";

/** A commitment to look up: an adapter's; a pasted one is also looked up as a merged root. */
export interface SearchCandidate extends AdapterCandidate {
  mergedRootToo?: boolean;
}

/** What the registry says of one candidate: produced by a verified proof, a recorded merged root, or neither. */
export interface Answer {
  candidate: SearchCandidate;
  provenance?: {
    found: Extract<AdapterProvenance, { verified: true }>;
    recorded: Recorded | undefined;
    /** the producing run back to its canonical start (runLineage) */
    lineage: RunSummary[];
  };
  merged?: {
    found: Extract<MergedProvenance, { verified: true }>;
    recorded: Recorded | undefined;
    lineage: RunSummary[];
  };
}

export function answerCards(actions: Actions, answer: Answer): HTMLElement[] {
  const cards: HTMLElement[] = [];
  if (answer.provenance !== undefined) cards.push(provenanceCard(actions, answer.candidate, answer.provenance));
  if (answer.merged !== undefined) cards.push(mergedCard(actions, answer.candidate, answer.merged));
  return cards.length > 0 ? cards : [notVerifiedCard(answer.candidate)];
}

export function failedCard(candidate: SearchCandidate, error: unknown): HTMLElement {
  return h("div", { class: "result" }, candidateHead(candidate), errorBox(error, "The registry could not be asked"));
}

function candidateHead(candidate: AdapterCandidate, label = candidate.label): HTMLElement {
  return h(
    "div",
    { class: "result-head" },
    h("strong", {}, label),
    h("span", { class: "muted" }, candidate.source),
    h("code", { class: "whole commitment" }, toHex32(candidate.commitment)),
  );
}

function contextFacts(context: RunContext): HTMLElement[] {
  const { run, baseModel, dataset } = context;
  return [
    fact("Base model", fieldCode(run.baseRoot), baseModel.uri ? ` ${baseModel.uri}` : ""),
    fact(
      "Dataset",
      fieldCode(run.datasetRoot),
      ` ${plural(dataset.size, "example")}${dataset.uri ? ` · ${dataset.uri}` : ""}`,
    ),
    fact("Trainer", hashCode(run.trainer)),
  ];
}

function recordedFact(recorded: Recorded | undefined): HTMLElement | null {
  return recorded === undefined
    ? null
    : fact("Recorded in", `block ${recorded.blockNumber} · `, hashCode(recorded.transactionHash));
}

/** The run's way back to its canonical start (only worth a fact for a continued run). */
function lineageFact(actions: Actions, lineage: readonly RunSummary[]): HTMLElement | null {
  return lineage.length > 1 ? fact("Lineage", lineageList(actions, lineage)) : null;
}

function notVerifiedCard(candidate: SearchCandidate): HTMLElement {
  return h(
    "div",
    { class: "result not-found", "data-testid": "provenance-result" },
    candidateHead(candidate),
    h(
      "p",
      { class: "answer" },
      h("span", { class: "badge warn" }, "Not verified"),
      candidate.mergedRootToo === true
        ? " No verified proof of this registry (a run's start or a checkpoint) produced this adapter, and no merge recorded in it has this merged root."
        : " No verified proof of this registry (a run's start or a checkpoint) produced this adapter.",
    ),
  );
}

function provenanceCard(
  actions: Actions,
  candidate: SearchCandidate,
  answer: NonNullable<Answer["provenance"]>,
): HTMLElement {
  const { found, recorded, lineage } = answer;
  const { run, runId, steps, merge } = found;
  const how =
    steps === 0n
      ? run.origin.kind === "seed"
        ? ` (its canonical start from seed ${run.origin.seed}, proven by LoraRunStart). `
        : " (its start). "
      : " (verified training). ";
  return h(
    "div",
    { class: "result found", "data-testid": "provenance-result" },
    candidateHead(candidate, candidate.mergedRootToo === true ? "Adapter commitment" : candidate.label),
    h(
      "p",
      { class: "answer" },
      h("span", { class: "badge good" }, "Verified"),
      " Produced by ",
      h("strong", {}, runAfterSteps(runId, steps)),
      how,
      adapterLink(actions, runId, steps, `Open run ${runId} →`),
    ),
    h(
      "dl",
      { class: "facts compact" },
      contextFacts(found),
      recordedFact(recorded),
      lineageFact(actions, lineage),
      h(
        "div",
        { class: "fact", "data-testid": "adapter-merge" },
        h("dt", {}, "Merged weights"),
        merge === undefined
          ? h("dd", { class: "muted" }, "no merge recorded")
          : h("dd", {}, fieldCode(merge.mergedRoot), " ", runLink(actions, runId, "merge →", { kind: "merge", steps })),
      ),
    ),
  );
}

function mergedCard(actions: Actions, candidate: SearchCandidate, answer: NonNullable<Answer["merged"]>): HTMLElement {
  const { found, recorded, lineage } = answer;
  const { runId, steps } = found;
  return h(
    "div",
    { class: "result found", "data-testid": "provenance-result" },
    candidateHead(candidate, "Merged root"),
    h(
      "p",
      { class: "answer" },
      h("span", { class: "badge good" }, "Recorded merge"),
      " These merged weights are exactly W0 + α·B·A of the adapter of ",
      h("strong", {}, runAfterSteps(runId, steps)),
      " (proven block by block, PROTOCOL §13). ",
      runLink(actions, runId, `Open run ${runId} →`, { kind: "merge", steps }),
    ),
    h(
      "dl",
      { class: "facts compact" },
      fact("Adapter", fieldCode(found.adapter)),
      contextFacts(found),
      fact("Merge recorded by", hashCode(found.recorder)),
      recordedFact(recorded),
      lineageFact(actions, lineage),
    ),
  );
}
