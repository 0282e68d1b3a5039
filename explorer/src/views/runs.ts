/**
 * The runs table: every run of the registry, newest first, its configuration in the clear (its start, its
 * checkpoint instance with k and shape, a retired checkpoint verifier flagged, α and lr as real numbers,
 * its base model and dataset with their block count and size); a click opens it.
 */
import { state, verifierEntry } from "../state.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { cardHeader, cell, empty, errorBox, fieldCode, loading, RECORD_COMMAND, table } from "../ui/parts.js";
import {
  baseModelOf,
  circuitName,
  datasetOf,
  hyperparameter,
  instanceShapeLine,
  runLink,
  startOf,
  verifierBadge,
  type Actions,
} from "./shared.js";

export function renderRuns(actions: Actions): void {
  const head = cardHeader("Runs");
  const runs = state.runs;
  if (runs === undefined) {
    replace(page.runs, head, loading("Reading runs…"));
    return;
  }
  if (!Array.isArray(runs)) {
    replace(page.runs, head, errorBox(runs.error, "Cannot read the runs"));
    return;
  }
  if (runs.length === 0) {
    replace(page.runs, head, empty("No runs yet", "Record one: ", h("code", { class: "command" }, RECORD_COMMAND)));
    return;
  }
  const rows = [...runs].reverse().map((run) =>
    h(
      "tr",
      {
        class: run.runId === state.selectedRun ? "selected clickable" : "clickable",
        "data-run": String(run.runId),
        onclick: () => actions.selectRun(run.runId),
      },
      cell("Run", runLink(actions, run.runId, `#${run.runId}`)),
      cell("Trainer", hashCode(run.trainer, "trainer address")),
      cell("Start", startOf(actions, run)),
      cell(
        "Checkpoint instance",
        // One element, so a phone's labelled cell keeps the name, the badge and the shape line together.
        h(
          "span",
          {},
          circuitName(run.checkpointCircuitId),
          verifierEntry(run.checkpointCircuitId)?.retired === true ? h("span", {}, " ", verifierBadge(true)) : null,
          instanceShapeLine(run),
        ),
      ),
      cell("α", hyperparameter(run, run.alpha)),
      cell("lr", hyperparameter(run, run.lr)),
      cell("Steps", h("strong", {}, String(run.nextStep))),
      cell("Base model", baseModelOf(run.baseRoot)),
      cell("Dataset", datasetOf(run.datasetRoot)),
      cell("Head", fieldCode(run.head, "head adapter commitment")),
    ),
  );
  replace(
    page.runs,
    head,
    table(
      ["Run", "Trainer", "Start", "Checkpoint instance", "α", "lr", "Steps", "Base model", "Dataset", "Head"],
      rows,
      "runs-table",
    ),
  );
}
