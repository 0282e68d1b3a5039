/**
 * The runs table: every run of the registry, newest first, its configuration in the clear (a retired
 * checkpoint verifier flagged); a click opens it.
 */
import { state, verifierEntry } from "../state.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { cardHeader, cell, empty, errorBox, fieldCode, loading, RECORD_COMMAND, table } from "../ui/parts.js";
import { circuitName, hyperparameter, runLink, startOf, verifierBadge, type Actions } from "./shared.js";

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
      cell("Trainer", hashCode(run.trainer)),
      cell("Start", startOf(actions, run)),
      cell(
        "Checkpoint instance",
        circuitName(run.checkpointCircuitId),
        verifierEntry(run.checkpointCircuitId)?.retired === true ? h("span", {}, " ", verifierBadge(true)) : null,
      ),
      cell("α", hyperparameter(run, run.alpha)),
      cell("lr", hyperparameter(run, run.lr)),
      cell("Steps", h("strong", {}, String(run.nextStep))),
      cell("Head", fieldCode(run.head)),
    ),
  );
  replace(
    page.runs,
    head,
    table(["Run", "Trainer", "Start", "Checkpoint instance", "α", "lr", "Steps", "Head"], rows, "runs-table"),
  );
}
