/** The selected run: its facts, its verified history and the merges recorded for its adapters. */
import type { RunSummary, VerifiedMerge, VerifiedStep } from "../../../src/chain/index.js";
import { isHighlighted, runOf, state, verificationKey, type Highlight, type RunRead } from "../state.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import {
  cardHeader,
  cell,
  empty,
  errorBox,
  fact,
  fieldCode,
  loading,
  plural,
  RECORD_COMMAND,
  table,
} from "../ui/parts.js";
import { circuitName, instanceOfRun, type Actions } from "./shared.js";
import { mergeVerificationDetail, verificationDetail, verifyCell } from "./verdict.js";

export function renderRun(actions: Actions): void {
  const run = runOf(state.selectedRun);
  page.run.hidden = run === undefined;
  if (run === undefined) {
    replace(page.run);
    return;
  }
  replace(
    page.run,
    runHeader(actions, run),
    runFacts(run),
    h("h3", {}, "History"),
    historyView(actions, run, state.history),
    h("h3", {}, "Merged weights"),
    h(
      "p",
      { class: "muted section-note" },
      "Each merge proves that the merged root commits to the exact W_eff = W0 + α·B·A of a verified adapter of this run, on its base model (LoraMerge, PROTOCOL §9).",
    ),
    mergesView(actions, run, state.merges),
  );
}

/** The row of the run's view that `highlight` points at, if shown. */
export function highlightedRow(highlight: Highlight | undefined): Element | null {
  if (highlight === undefined) return null;
  return page.run.querySelector(
    highlight.kind === "step" ? `tr[data-step="${highlight.step}"]` : `tr[data-merge-step="${highlight.step}"]`,
  );
}

function runHeader(actions: Actions, run: RunSummary): HTMLElement {
  const { history, merges } = state;
  const canVerifyAll = Array.isArray(history) && history.length > 0 && instanceOfRun(run) !== undefined;
  return cardHeader(
    `Run ${run.runId}`,
    h("span", { class: "pill" }, plural(run.verifiedSteps, "verified step")),
    Array.isArray(merges) && merges.length > 0
      ? h("span", { class: "pill merge" }, plural(merges.length, "merge"))
      : null,
    canVerifyAll
      ? h(
          "button",
          { type: "button", class: "secondary push", onclick: () => actions.verifyAll(run) },
          "Verify all again",
        )
      : null,
  );
}

function runFacts(run: RunSummary): HTMLElement {
  const model = Array.isArray(state.models) ? state.models.find((entry) => entry.baseRoot === run.baseRoot) : undefined;
  const dataset = Array.isArray(state.datasets)
    ? state.datasets.find((entry) => entry.datasetRoot === run.datasetRoot)
    : undefined;
  return h(
    "dl",
    { class: "facts" },
    fact("Owner", hashCode(run.trainer)),
    fact("Circuit", circuitName(run.circuitId)),
    fact("Base model", fieldCode(run.baseRoot), model?.uri ? h("span", { class: "muted" }, ` ${model.uri}`) : null),
    fact(
      "Dataset",
      fieldCode(run.datasetRoot),
      dataset === undefined
        ? null
        : h("span", { class: "muted" }, ` ${plural(dataset.size, "example")}${dataset.uri ? ` · ${dataset.uri}` : ""}`),
    ),
    fact("Hyperparameters hash", fieldCode(run.hparamsHash)),
    fact("Initial adapter", fieldCode(run.initialAdapter)),
    fact("Head", fieldCode(run.head)),
    fact("Started in block", String(run.startBlock)),
  );
}

function historyView(actions: Actions, run: RunSummary, history: RunRead<VerifiedStep[]> | undefined): HTMLElement {
  if (history === undefined || history === "loading")
    return loading(`Reading the StepVerified events of run ${run.runId}…`);
  if (!Array.isArray(history)) return errorBox(history.error, "Cannot read the run's history");
  if (history.length === 0)
    return empty(
      "No verified step yet",
      "The run starts from its initial adapter. Prove and submit its steps: ",
      h("code", { class: "command" }, RECORD_COMMAND),
    );
  const rows: HTMLTableRowElement[] = [];
  for (const step of history) {
    const verification = state.verifications.get(verificationKey(run.runId, step.step));
    rows.push(
      h(
        "tr",
        { "data-step": String(step.step), class: isHighlighted("step", step.step) ? "highlight" : undefined },
        cell("Step", h("strong", {}, String(step.step))),
        cell("Adapter", fieldCode(step.adapterAfter)),
        cell("Submitter", hashCode(step.submitter)),
        cell("Block", String(step.blockNumber)),
        cell("Transaction", hashCode(step.transactionHash)),
        cell(
          "Proof",
          verifyCell(verification, "verify", () => actions.verifyStep(run, step)),
        ),
      ),
    );
    if (verification?.state === "done" || verification?.state === "failed") {
      rows.push(h("tr", { class: "detail-row" }, h("td", { colspan: 6 }, verificationDetail(step, verification))));
    }
  }
  return table(["Step", "Adapter commitment", "Submitter", "Block", "Transaction", "Proof"], rows, "history-table");
}

function mergesView(actions: Actions, run: RunSummary, merges: RunRead<VerifiedMerge[]> | undefined): HTMLElement {
  if (merges === undefined || merges === "loading")
    return loading(`Reading the MergeVerified events of run ${run.runId}…`);
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
    const verification = state.mergeVerifications.get(verificationKey(run.runId, merge.step));
    rows.push(
      h(
        "tr",
        { "data-merge-step": String(merge.step), class: isHighlighted("merge", merge.step) ? "highlight" : undefined },
        cell("Step", h("strong", {}, String(merge.step))),
        cell("Adapter", fieldCode(merge.adapter)),
        cell("Merged root", fieldCode(merge.mergedRoot)),
        cell("Recorder", hashCode(merge.recorder)),
        cell("Block", String(merge.blockNumber)),
        cell("Transaction", hashCode(merge.transactionHash)),
        cell(
          "Proof",
          verifyCell(verification, "merge-verify", () => actions.verifyMerge(run, merge)),
        ),
      ),
    );
    if (verification?.state === "done" || verification?.state === "failed") {
      rows.push(
        h("tr", { class: "detail-row" }, h("td", { colspan: 7 }, mergeVerificationDetail(merge, verification))),
      );
    }
  }
  return table(["Step", "Adapter", "Merged root", "Recorder", "Block", "Transaction", "Proof"], rows, "merges-table");
}
