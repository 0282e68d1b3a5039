/** The runs table: every run of the registry, newest first; a click opens it. */
import { state } from "../state.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { cardHeader, cell, empty, errorBox, fieldCode, loading, RECORD_COMMAND, table } from "../ui/parts.js";
import { circuitName, runLink, type Actions } from "./shared.js";

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
      cell("Owner", hashCode(run.trainer)),
      cell("Circuit", circuitName(run.circuitId)),
      cell("Hyperparameters", fieldCode(run.hparamsHash)),
      cell("Head", fieldCode(run.head)),
      cell("Steps", h("strong", {}, String(run.verifiedSteps))),
    ),
  );
  replace(
    page.runs,
    head,
    table(["Run", "Owner", "Circuit", "Hyperparameters hash", "Head", "Steps"], rows, "runs-table"),
  );
}
