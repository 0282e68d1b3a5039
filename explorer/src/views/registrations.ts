/** The base models and datasets registered in the registry (BaseModelRegistered, DatasetRegistered). */
import { state } from "../state.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { cardHeader, cell, empty, errorBox, fieldCode, loading, table } from "../ui/parts.js";

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
