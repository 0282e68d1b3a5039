/** The answers of a provenance search: one card per commitment and what the registry says of it. */
import type { AdapterProvenance, MergedProvenance, RunSummary } from "../../../src/chain/index.js";
import { toHex32 } from "../../../src/protocol/index.js";
import type { AdapterCandidate } from "../adapterFile.js";
import type { Recorded } from "../chain.js";
import { state } from "../state.js";
import { h, hashCode } from "../ui/dom.js";
import { errorBox, fact, fieldCode, plural } from "../ui/parts.js";
import { runLink, type Actions } from "./shared.js";

/** A commitment to look up: an adapter's; a pasted one is also looked up as a merged root. */
export interface SearchCandidate extends AdapterCandidate {
  mergedRootToo?: boolean;
}

/** What the registry says of one candidate: recorded as an adapter, as a merged root, or neither. */
export interface Answer {
  candidate: SearchCandidate;
  provenance?: { found: Extract<AdapterProvenance, { verified: true }>; recorded: Recorded | undefined };
  merged?: { found: Extract<MergedProvenance, { verified: true }>; recorded: Recorded | undefined };
}

export function answerCards(actions: Actions, answer: Answer): HTMLElement[] {
  const cards: HTMLElement[] = [];
  if (answer.provenance !== undefined)
    cards.push(provenanceCard(actions, answer.candidate, answer.provenance.found, answer.provenance.recorded));
  if (answer.merged !== undefined)
    cards.push(mergedCard(actions, answer.candidate, answer.merged.found, answer.merged.recorded));
  return cards.length > 0 ? cards : [notRecordedCard(actions, answer.candidate)];
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

function contextFacts(provenance: {
  run: RunSummary;
  baseModel: { uri: string };
  dataset: { size: bigint; uri: string };
}): HTMLElement[] {
  const { run, baseModel, dataset } = provenance;
  return [
    fact("Base model", fieldCode(run.baseRoot), baseModel.uri ? ` ${baseModel.uri}` : ""),
    fact(
      "Dataset",
      fieldCode(run.datasetRoot),
      ` ${plural(dataset.size, "example")}${dataset.uri ? ` · ${dataset.uri}` : ""}`,
    ),
  ];
}

function recordedFact(recorded: Recorded | undefined): HTMLElement | null {
  return recorded === undefined
    ? null
    : fact("Recorded in", `block ${recorded.blockNumber} · `, hashCode(recorded.transactionHash));
}

function notRecordedCard(actions: Actions, candidate: SearchCandidate): HTMLElement {
  const initialOf = Array.isArray(state.runs)
    ? state.runs.filter((run) => run.initialAdapter === candidate.commitment)
    : [];
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
      : h(
          "p",
          { class: "muted" },
          `It is the initial adapter of run${initialOf.length > 1 ? "s" : ""} `,
          initialOf.flatMap((run, index) => [index > 0 ? ", " : "", runLink(actions, run.runId, String(run.runId))]),
          ": where training started, not something it produced.",
        ),
  );
}

function provenanceCard(
  actions: Actions,
  candidate: SearchCandidate,
  provenance: Extract<AdapterProvenance, { verified: true }>,
  recorded: Recorded | undefined,
): HTMLElement {
  const { run, runId, step, merge } = provenance;
  return h(
    "div",
    { class: "result found", "data-testid": "provenance-result" },
    candidateHead(candidate, candidate.mergedRootToo === true ? "Adapter commitment" : candidate.label),
    h(
      "p",
      { class: "answer" },
      h("span", { class: "badge good" }, "Recorded"),
      " Produced by ",
      h("strong", {}, `run ${runId}, step ${step}`),
      " (verified training). ",
      runLink(actions, runId, `Open run ${runId} →`, { kind: "step", step }),
    ),
    h(
      "dl",
      { class: "facts compact" },
      contextFacts(provenance),
      fact("Trainer", hashCode(run.trainer)),
      recordedFact(recorded),
      h(
        "div",
        { class: "fact", "data-testid": "adapter-merge" },
        h("dt", {}, "Merged weights"),
        merge === undefined
          ? h("dd", { class: "muted" }, "no merge recorded")
          : h("dd", {}, fieldCode(merge.mergedRoot), " ", runLink(actions, runId, "merge →", { kind: "merge", step })),
      ),
    ),
  );
}

function mergedCard(
  actions: Actions,
  candidate: SearchCandidate,
  merged: Extract<MergedProvenance, { verified: true }>,
  recorded: Recorded | undefined,
): HTMLElement {
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
      runLink(actions, runId, `Open run ${runId} →`, { kind: "merge", step }),
    ),
    h(
      "dl",
      { class: "facts compact" },
      fact("Adapter", fieldCode(merged.adapter)),
      contextFacts(merged),
      fact("Trainer", hashCode(run.trainer)),
      fact("Merge recorded by", hashCode(merged.recorder)),
      recordedFact(recorded),
    ),
  );
}
