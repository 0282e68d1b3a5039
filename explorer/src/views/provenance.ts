/**
 * The answers of a provenance search: one card per commitment and what the registry says of it, with the
 * lineage back to a canonical start and a loud warning when the producing run's verifier is retired.
 */
import type { AdapterProvenance, MergedProvenance, RunContext } from "../../../src/chain/index.js";
import { datasetUriSummary, toHex32 } from "../../../src/protocol/index.js";
import type { AdapterCandidate } from "../adapterFile.js";
import type { Recorded } from "../chain.js";
import { blockWithTime } from "../blockTimes.js";
import { copyButton, h, hashCode } from "../ui/dom.js";
import { errorBox, fact, fieldCode, plural } from "../ui/parts.js";
import {
  adapterLink,
  baseModelOf,
  lineageTable,
  retiredVerifierBanner,
  runAfterSteps,
  runLink,
  uriNote,
  type Actions,
} from "./shared.js";

/** A commitment to look up: an adapter's; a pasted one is also looked up as a merged root. */
export interface SearchCandidate extends AdapterCandidate {
  mergedRootToo?: boolean;
}

export type VerifiedAdapter = Extract<AdapterProvenance, { verified: true }>;

/** What the registry says of one candidate: produced by a verified proof, a recorded merged root, or neither. */
export interface Answer {
  candidate: SearchCandidate;
  provenance?: {
    /** provenanceOf and lineageOf: the producing run back to its canonical start, with each run's verifier */
    found: VerifiedAdapter;
    recorded: Recorded | undefined;
  };
  merged?: {
    found: Extract<MergedProvenance, { verified: true }>;
    recorded: Recorded | undefined;
    /** the merged adapter's provenance, for its lineage and verifier */
    adapter: VerifiedAdapter | undefined;
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
    h(
      "span",
      { class: "commitment-line" },
      h("code", { class: "whole commitment" }, toHex32(candidate.commitment)),
      " ",
      copyButton(toHex32(candidate.commitment), "commitment searched for"),
    ),
  );
}

function contextFacts(context: RunContext): HTMLElement[] {
  const { run, baseModel, dataset } = context;
  return [
    fact("Base model", baseModelOf(run.baseRoot), uriNote(baseModel.uri)),
    fact(
      "Dataset",
      fieldCode(run.datasetRoot, "dataset root"),
      h("span", { class: "muted" }, ` ${plural(dataset.size, "example")}`),
      // a dataset card as its name and licence, never its base64
      uriNote(datasetUriSummary(dataset.uri)),
    ),
    fact("Trainer", hashCode(run.trainer, "trainer address")),
  ];
}

function recordedFact(recorded: Recorded | undefined): HTMLElement | null {
  return recorded === undefined
    ? null
    : fact(
        "Recorded in",
        blockWithTime(recorded.blockNumber, { inline: true }),
        " · ",
        hashCode(recorded.transactionHash, "transaction hash"),
      );
}

/** The producing run, then each run it continues, back to its canonical start (lineageOf). */
function lineageBlock(actions: Actions, found: VerifiedAdapter | undefined): HTMLElement | null {
  if (found === undefined) return null;
  return h(
    "div",
    { class: "answer-lineage" },
    h(
      "h4",
      {},
      found.lineage.length > 1
        ? `Lineage: ${plural(found.lineage.length, "run")} back to a canonical start`
        : "Lineage",
    ),
    lineageTable(actions, found.lineage),
  );
}

/** The retired-verifier warning of the adapter's producing run, when its verifier is retired. */
function retiredWarning(found: VerifiedAdapter | undefined): HTMLElement | null {
  return found?.verifier.retired === true ? retiredVerifierBanner(found.runId, found.verifier) : null;
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
  const { found, recorded } = answer;
  const { run, runId, steps, merge } = found;
  const how =
    steps === 0n
      ? run.origin.kind === "seed"
        ? ` (its canonical start from seed ${run.origin.seed}, proven by LoraRunStart). `
        : " (its start). "
      : " (verified training). ";
  return h(
    "div",
    { class: found.verifier.retired ? "result found retired" : "result found", "data-testid": "provenance-result" },
    candidateHead(candidate, candidate.mergedRootToo === true ? "Adapter commitment" : candidate.label),
    h(
      "p",
      { class: "answer" },
      found.verifier.retired
        ? h("span", { class: "badge bad" }, "Verified by a retired verifier")
        : h("span", { class: "badge good" }, "Verified"),
      " Produced by ",
      h("strong", {}, runAfterSteps(runId, steps)),
      how,
      adapterLink(actions, runId, steps, `Open run ${runId} →`),
    ),
    retiredWarning(found),
    h(
      "dl",
      { class: "facts compact" },
      contextFacts(found),
      recordedFact(recorded),
      h(
        "div",
        { class: "fact", "data-testid": "adapter-merge" },
        h("dt", {}, "Merged weights"),
        merge === undefined
          ? h("dd", { class: "muted" }, "no merge recorded")
          : h(
              "dd",
              {},
              fieldCode(merge.mergedRoot, "merged root"),
              " ",
              runLink(actions, runId, "merge →", { kind: "merge", steps }),
            ),
      ),
    ),
    lineageBlock(actions, found),
  );
}

function mergedCard(actions: Actions, candidate: SearchCandidate, answer: NonNullable<Answer["merged"]>): HTMLElement {
  const { found, recorded, adapter } = answer;
  const { runId, steps } = found;
  return h(
    "div",
    {
      class: adapter?.verifier.retired === true ? "result found retired" : "result found",
      "data-testid": "provenance-result",
    },
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
    retiredWarning(adapter),
    h(
      "dl",
      { class: "facts compact" },
      fact("Adapter", fieldCode(found.adapter, "adapter commitment")),
      contextFacts(found),
      fact("Merge recorded by", hashCode(found.recorder, "recorder address")),
      recordedFact(recorded),
    ),
    lineageBlock(actions, adapter),
  );
}
