/**
 * The selected run: a loud warning when its checkpoint verifier is retired, its configuration in the
 * clear, its lineage, its story (the dataset as its registrant describes it, the proven loss curve with
 * the trainer's reported evaluations beside it, and those reports, not proven), its start, its verified
 * checkpoints and the merges recorded for its adapters, each with "verify again".
 */
import type { CheckingVerifier, RunSummary, VerifiedCheckpoint, VerifiedMerge } from "../../../src/chain/index.js";
import {
  checkpointPart,
  isHighlighted,
  mergePart,
  partKey,
  runOf,
  START_PART,
  state,
  verifierEntry,
  type RunDetails,
  type RunPart,
} from "../state.js";
import { blockWithTime } from "../blockTimes.js";
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
import { reportedSeries } from "../runStory.js";
import { formatLoss, lossCurve } from "./lossCurve.js";
import {
  baseModelOf,
  circuitName,
  datasetOf,
  hyperparameter,
  instanceNamed,
  instanceShapeFact,
  lineageTable,
  retiredVerifierBanner,
  startOf,
  uriNote,
  verifierBadge,
  type Actions,
} from "./shared.js";
import { datasetPart, evaluationsView } from "./story.js";
import { verificationDetail, verifyCell } from "./verdict.js";

export function renderRun(actions: Actions): void {
  const run = runOf(state.selectedRun);
  page.run.hidden = run === undefined;
  if (run === undefined) {
    replace(page.run);
    return;
  }
  const details = state.details;
  if (details === undefined || details === "loading") {
    replace(
      page.run,
      runHeader(actions, run, undefined),
      retiredWarning(run, undefined),
      runFacts(actions, run, undefined),
      loading(`Reading run ${run.runId}'s events…`),
    );
    return;
  }
  if ("error" in details) {
    replace(
      page.run,
      runHeader(actions, run, undefined),
      retiredWarning(run, undefined),
      runFacts(actions, run, undefined),
      errorBox(details.error, "Cannot read the run"),
    );
    return;
  }
  replace(
    page.run,
    runHeader(actions, run, details),
    retiredWarning(run, details),
    runFacts(actions, run, details),
    details.lineage.length > 1
      ? [
          h("h3", {}, "Lineage"),
          h(
            "p",
            { class: "muted section-note" },
            "Back to its canonical start: each run continues its parent's adapter after the steps shown, on its own dataset, α and lr; every adapter the registry vouches for descends, by verified proofs only, from a canonical initialization.",
          ),
          lineageTable(actions, details.lineage),
        ]
      : null,
    storyView(actions, run, details),
    h("h3", {}, "Start"),
    startView(actions, run, details),
    h("h3", {}, "Checkpoints"),
    checkpointsView(actions, run, details.checkpoints),
    h("h3", {}, "Merged weights"),
    h(
      "p",
      { class: "muted section-note" },
      "Each merge proves, block by block, that the merged root commits to the exact W_eff = W0 + α·B·A of the run's adapter after that many steps, on its base model and α (LoraMergeBlock, PROTOCOL §13).",
    ),
    mergesView(actions, run, details.merges),
  );
}

/**
 * What the run is about, in one section (the docs' screenshot of it): its dataset as the registrant
 * describes it, the proven loss curve with the trainer's reports beside it, and the reports, not proven.
 */
function storyView(actions: Actions, run: RunSummary, details: RunDetails): HTMLElement {
  const series = reportedSeries(details.evaluations);
  return h(
    "section",
    {
      class: "story",
      "data-testid": "run-story",
      "aria-label": `Run ${run.runId}'s dataset, loss and reported evaluations`,
    },
    h("h3", {}, "Dataset"),
    datasetPart(run),
    h("h3", {}, series.length === 0 ? "Loss curve" : "Loss curve and reported evaluations"),
    details.checkpoints.length === 0 && series.length === 0
      ? h("p", { class: "muted" }, "No verified checkpoint yet: no proven loss.")
      : lossCurve(details.checkpoints, series),
    h("h3", {}, "Reported evaluations ", h("span", { class: "badge warn" }, "not proven")),
    evaluationsView(actions, run, details.evaluations),
  );
}

/** The row of the run's view that `highlight` points at, if shown. */
export function highlightedRow(highlight: RunPart | undefined): Element | null {
  if (highlight === undefined) return null;
  return page.run.querySelector(`tr[data-part="${highlight.kind}"][data-steps="${highlight.steps}"]`);
}

function runHeader(actions: Actions, run: RunSummary, details: RunDetails | undefined): HTMLElement {
  return cardHeader(
    `Run ${run.runId}`,
    h("span", { class: "pill" }, plural(run.nextStep, "verified step")),
    details === undefined ? null : h("span", { class: "pill" }, plural(details.checkpoints.length, "checkpoint")),
    details !== undefined && details.merges.length > 0
      ? h("span", { class: "pill merge" }, plural(details.merges.length, "merge"))
      : null,
    details === undefined
      ? null
      : h(
          "button",
          { type: "button", class: "secondary push", onclick: () => actions.verifyAll(run) },
          "Verify all again",
        ),
  );
}

/**
 * The run's checkpoint verifier as the registry answers now: verifierOf, read with the run's lineage (its
 * first entry); until then the one read on connection.
 */
function runVerifier(run: RunSummary, details: RunDetails | undefined): CheckingVerifier | undefined {
  return details?.lineage[0]?.verifier ?? verifierEntry(run.checkpointCircuitId);
}

function retiredWarning(run: RunSummary, details: RunDetails | undefined): HTMLElement | null {
  const verifier = runVerifier(run, details);
  return verifier?.retired === true ? retiredVerifierBanner(run.runId, verifier) : null;
}

function runFacts(actions: Actions, run: RunSummary, details: RunDetails | undefined): HTMLElement {
  const model = Array.isArray(state.models) ? state.models.find((entry) => entry.baseRoot === run.baseRoot) : undefined;
  const k = run.checkpointInstance?.params.steps;
  const verifier = runVerifier(run, details);
  return h(
    "dl",
    { class: "facts", "data-testid": "run-facts" },
    fact("Trainer", hashCode(run.trainer, "trainer address")),
    fact("Start", startOf(actions, run)),
    fact(
      "Checkpoint instance",
      circuitName(run.checkpointCircuitId),
      k === undefined ? null : h("span", { class: "muted nowrap" }, ` k = ${plural(k, "step")} per proof `),
      verifier === undefined ? null : verifierBadge(verifier.retired),
    ),
    fact("Instance shape", instanceShapeFact(run)),
    fact("Base model", baseModelOf(run.baseRoot), uriNote(model?.uri ?? "")),
    // The registrant's uri is described in the run's story (its card, or its link).
    fact("Dataset", datasetOf(run.datasetRoot)),
    fact("Base projection", fieldCode(run.projectionId, "base projection id")),
    fact("α (LoRA scale)", hyperparameter(run, run.alpha), h("span", { class: "muted" }, ` α̂ = ${run.alpha}`)),
    fact("lr (learning rate)", hyperparameter(run, run.lr), h("span", { class: "muted" }, ` l̂ = ${run.lr}`)),
    fact("Run configuration", fieldCode(run.runConfig, "run configuration")),
    fact(
      "Head",
      fieldCode(run.head, "head adapter commitment"),
      h("span", { class: "muted" }, ` after ${plural(run.nextStep, "step")}`),
    ),
    fact("Started in block", blockWithTime(run.startBlock)),
  );
}

/**
 * A row of a run part: marked with the part it shows (data-part, data-steps: what highlightedRow and the
 * test find), its proof cell appended, and the verdict row under it once verified.
 */
function verifiedRow(
  row: HTMLTableRowElement,
  run: RunSummary,
  part: RunPart,
  what: string,
  onVerify: () => void,
): HTMLTableRowElement[] {
  const verification = state.verifications.get(partKey(run.runId, part));
  row.setAttribute("data-part", part.kind);
  row.setAttribute("data-steps", String(part.steps));
  if (isHighlighted(part)) row.classList.add("highlight");
  row.append(cell("Proof", verifyCell(verification, part.kind, onVerify)));
  if (verification?.state !== "done" && verification?.state !== "failed") return [row];
  return [
    row,
    h(
      "tr",
      { class: "detail-row" },
      h("td", { colspan: row.cells.length }, verificationDetail(what, part.kind, verification)),
    ),
  ];
}

function startView(actions: Actions, run: RunSummary, details: RunDetails): HTMLElement {
  const row = h(
    "tr",
    {},
    cell("Start", startOf(actions, run)),
    cell("Adapter", fieldCode(run.adapterStart, "start adapter commitment")),
    cell("Trainer", hashCode(run.trainer, "trainer address")),
    cell("Block", blockWithTime(run.startBlock)),
    cell(
      "Transaction",
      details.started === undefined ? "—" : hashCode(details.started.transactionHash, "transaction hash"),
    ),
  );
  const rows = verifiedRow(row, run, START_PART, `Start of run ${run.runId}`, () => actions.verifyStart(run));
  return table(["Start", "Adapter", "Trainer", "Block", "Transaction", "Proof"], rows, "start-table");
}

/** "steps 2–3" (or "step 2" when k = 1): the steps a checkpoint proves. */
function stepRange(checkpoint: VerifiedCheckpoint): string {
  const last = checkpoint.firstStep + checkpoint.steps - 1n;
  return last === checkpoint.firstStep ? `step ${last}` : `steps ${checkpoint.firstStep}–${last}`;
}

function lossCell(checkpoint: VerifiedCheckpoint): HTMLElement {
  return h(
    "span",
    { class: "loss", title: `proven Σ E² = ${checkpoint.loss} (E at scale 2^3F)` },
    checkpoint.meanLoss === undefined ? `Σ E² ${checkpoint.loss}` : formatLoss(checkpoint.meanLoss),
  );
}

function checkpointsView(actions: Actions, run: RunSummary, checkpoints: readonly VerifiedCheckpoint[]): HTMLElement {
  if (checkpoints.length === 0)
    return empty(
      "No verified checkpoint yet",
      "The run is at its start. Prove and submit its checkpoints: ",
      h("code", { class: "command" }, RECORD_COMMAND),
    );
  const rows = checkpoints.flatMap((checkpoint) => {
    const row = h(
      "tr",
      {},
      cell(
        "Steps",
        h("strong", { class: "nowrap", title: `k = ${checkpoint.steps} steps in one proof` }, stepRange(checkpoint)),
      ),
      cell(
        "Adapter before → after",
        fieldCode(checkpoint.adapterBefore, "adapter commitment before"),
        " → ",
        fieldCode(checkpoint.adapterAfter, "adapter commitment after"),
      ),
      cell("Proven loss (MSE)", lossCell(checkpoint)),
      cell("Submitter", hashCode(checkpoint.submitter, "submitter address")),
      cell("Block", blockWithTime(checkpoint.blockNumber)),
      cell("Transaction", hashCode(checkpoint.transactionHash, "transaction hash")),
    );
    return verifiedRow(row, run, checkpointPart(checkpoint), `Checkpoint of ${stepRange(checkpoint)}`, () =>
      actions.verifyCheckpoint(run, checkpoint),
    );
  });
  return table(
    ["Steps", "Adapter before → after", "Proven loss (MSE)", "Submitter", "Block", "Transaction", "Proof"],
    rows,
    "checkpoints-table",
  );
}

function mergesView(actions: Actions, run: RunSummary, merges: readonly VerifiedMerge[]): HTMLElement {
  if (merges.length === 0)
    return empty(
      "No merge recorded for this run",
      "Anyone can prove the merged weights of a verified adapter of the run and submit them block by block (submitMergeBlock); ",
      h("code", { class: "command" }, RECORD_COMMAND),
      " ends with the merge of the run's final adapter (unless LORA_MERGE=false).",
    );
  const rows = merges.flatMap((merge) => {
    const row = h(
      "tr",
      {},
      cell(
        "After",
        h(
          "strong",
          { class: "nowrap", title: `proven with ${instanceNamed(merge.circuitId)?.name ?? merge.circuitId}` },
          plural(merge.steps, "step"),
        ),
      ),
      cell("Adapter", fieldCode(merge.adapter, "adapter commitment")),
      cell("Merged root", fieldCode(merge.mergedRoot, "merged root")),
      cell("Recorder", hashCode(merge.recorder, "recorder address")),
      cell("Block", blockWithTime(merge.blockNumber)),
      cell("Transaction", hashCode(merge.transactionHash, "transaction hash")),
    );
    return verifiedRow(row, run, mergePart(merge), `Merge of the adapter after ${plural(merge.steps, "step")}`, () =>
      actions.verifyMerge(run, merge),
    );
  });
  return table(["After", "Adapter", "Merged root", "Recorder", "Block", "Transaction", "Proof"], rows, "merges-table");
}
