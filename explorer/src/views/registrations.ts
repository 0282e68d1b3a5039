/**
 * The registrations view: the base models and datasets registered in the registry (BaseModelRegistered,
 * DatasetRegistered) and the base projection of each (base model, dataset) pair.
 */
import type { ProjectionEntry } from "../chain.js";
import { state } from "../state.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { cardHeader, cell, empty, errorBox, fieldCode, loading, plural, table } from "../ui/parts.js";
import { circuitName, runLink, type Actions } from "./shared.js";

function uriOrDash(uri: string): string | HTMLElement {
  return uri || h("span", { class: "muted" }, "—");
}

export function renderModels(): void {
  const head = cardHeader("Base models");
  const models = state.models;
  if (models === undefined) {
    replace(page.models, head, loading("Reading BaseModelRegistered events…"));
    return;
  }
  if (!Array.isArray(models)) {
    replace(page.models, head, errorBox(models.error, "Cannot read the base models"));
    return;
  }
  if (models.length === 0) {
    replace(
      page.models,
      head,
      empty("No base model registered", "prove-and-submit registers its own; anyone can call registerBaseModel."),
    );
    return;
  }
  const rows = models.map((model) =>
    h(
      "tr",
      {},
      cell("Base root", fieldCode(model.baseRoot)),
      cell("Registrant", hashCode(model.registrant)),
      cell("URI", uriOrDash(model.uri)),
      cell("Block", String(model.blockNumber)),
    ),
  );
  replace(page.models, head, table(["Base root", "Registrant", "URI", "Block"], rows));
}

export function renderDatasets(): void {
  const head = cardHeader("Datasets");
  const entries = state.datasets;
  if (entries === undefined) {
    replace(page.datasets, head, loading("Reading DatasetRegistered events…"));
    return;
  }
  if (!Array.isArray(entries)) {
    replace(page.datasets, head, errorBox(entries.error, "Cannot read the datasets"));
    return;
  }
  if (entries.length === 0) {
    replace(
      page.datasets,
      head,
      empty("No dataset registered", "prove-and-submit registers its own; anyone can call registerDataset."),
    );
    return;
  }
  const rows = entries.map((entry) =>
    h(
      "tr",
      {},
      cell("Dataset root", fieldCode(entry.datasetRoot)),
      cell("Examples", String(entry.size)),
      cell("Registrant", hashCode(entry.registrant)),
      cell("URI", uriOrDash(entry.uri)),
      cell("Block", String(entry.blockNumber)),
    ),
  );
  replace(page.datasets, head, table(["Dataset root", "Examples", "Registrant", "URI", "Block"], rows));
}

/** Whether the pair's projection is complete (its id), else how far each instance's blocks got. */
function projectionStatusCell(entry: ProjectionEntry): HTMLElement {
  if (entry.projectionId !== undefined)
    return h("span", {}, h("span", { class: "badge good" }, "complete"), " ", fieldCode(entry.projectionId));
  return h(
    "span",
    {},
    h("span", { class: "badge warn" }, "incomplete"),
    entry.progress.flatMap((progress) => [
      " ",
      `${progress.nextBlock} of ${plural(progress.blocks, "block")} (`,
      circuitName(progress.circuitId),
      ")",
    ]),
  );
}

/** The runs on a (base model, dataset) pair, as links. */
function runsOn(actions: Actions, entry: ProjectionEntry): HTMLElement | string {
  const runs = Array.isArray(state.runs)
    ? state.runs.filter((run) => run.baseRoot === entry.baseRoot && run.datasetRoot === entry.datasetRoot)
    : [];
  if (runs.length === 0) return h("span", { class: "muted" }, "none");
  return h(
    "span",
    {},
    runs.flatMap((run, index) => [index > 0 ? ", " : "", runLink(actions, run.runId, `#${run.runId}`)]),
  );
}

/**
 * The base projections (PROTOCOL §11): per (base model, dataset) pair with a verified block, whether it is
 * complete (ProjectionCompleted): a run can start on a pair only then.
 */
export function renderProjections(actions: Actions): void {
  const head = cardHeader("Base projections");
  const entries = state.projections;
  if (entries === undefined) {
    replace(page.projections, head, loading("Reading ProjectionBlockVerified and ProjectionCompleted events…"));
    return;
  }
  if (!Array.isArray(entries)) {
    replace(page.projections, head, errorBox(entries.error, "Cannot read the base projections"));
    return;
  }
  if (entries.length === 0) {
    replace(
      page.projections,
      head,
      empty(
        "No base projection proven",
        "A run starts only on a (base model, dataset) pair whose projection is complete; prove-and-submit proves its own (submitProjectionBlock, anyone may).",
      ),
    );
    return;
  }
  const rows = entries.map((entry) =>
    h(
      "tr",
      { "data-projection": entry.projectionId === undefined ? "incomplete" : "complete" },
      cell("Base root", fieldCode(entry.baseRoot)),
      cell("Dataset root", fieldCode(entry.datasetRoot)),
      cell("Projection", projectionStatusCell(entry)),
      cell(
        "Completed in",
        entry.completedIn === undefined
          ? h("span", { class: "muted" }, "—")
          : h("span", {}, `block ${entry.completedIn.blockNumber} · `, hashCode(entry.completedIn.transactionHash)),
      ),
      cell("Runs", runsOn(actions, entry)),
    ),
  );
  replace(
    page.projections,
    head,
    h(
      "p",
      { class: "muted section-note" },
      "The base model read once per (base model, dataset), block by block (BaseProjectionBlock, PROTOCOL §11); its id is bound into every run on the pair.",
    ),
    table(["Base root", "Dataset root", "Projection", "Completed in", "Runs"], rows, "projections-table"),
  );
}
