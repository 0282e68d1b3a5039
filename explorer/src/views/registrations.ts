/**
 * The registrations view: the base models and datasets registered in the registry (BaseModelRegistered,
 * DatasetRegistered) with their block count or size and every publisher's uri (a dataset card as its
 * name and licence, flagged when invalid or when its size is not the registered one), the base projection of
 * each (base model, dataset) pair, and the registered verifiers (a retired one flagged).
 */
import { VERIFIER_KIND } from "../../../src/chain/index.js";
import type { ProjectionEntry, VerifierEntry } from "../chain.js";
import { state } from "../state.js";
import { blockWithTime } from "../blockTimes.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { cardHeader, cell, empty, errorBox, fieldCode, loading, plural, table } from "../ui/parts.js";
import { circuitName, otherUris, runLink, verifierBadge, type Actions } from "./shared.js";
import { datasetUriLine } from "./story.js";

function uriOrDash(uri: string): HTMLElement {
  return uri === "" ? h("span", { class: "muted" }, "—") : h("span", { class: "uri" }, uri);
}

/** A count the registry computed the root from: a fact, not a claim. */
function provenCount(count: bigint, formula: string): HTMLElement {
  return h(
    "strong",
    { class: "fact-count", title: `a fact: the registry computed the root as ${formula}` },
    String(count),
  );
}

const URI_NOTE =
  "A URI is its publisher's claim of where the data is (the registry does not check it); anyone may publish their own.";

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
      { "data-root": String(model.baseRoot) },
      cell("Base root", fieldCode(model.baseRoot, "base model root")),
      cell("Blocks", provenCount(model.blocks, "Poseidon([10, treeRoot, blocks])")),
      cell("Registrant", hashCode(model.registrant, "registrant address")),
      cell("Registrant's URI", uriOrDash(model.uri)),
      cell("Other URIs", otherUris(model.otherUris, uriOrDash)),
      cell("Block", blockWithTime(model.blockNumber)),
    ),
  );
  replace(
    page.models,
    head,
    h(
      "p",
      { class: "muted section-note" },
      "The block count is a fact: the registry computed the root, Poseidon([10, treeRoot, blocks]), from it. ",
      URI_NOTE,
    ),
    table(["Base root", "Blocks", "Registrant", "Registrant's URI", "Other URIs", "Block"], rows, "models-table"),
  );
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
      { "data-root": String(entry.datasetRoot) },
      cell("Dataset root", fieldCode(entry.datasetRoot, "dataset root")),
      cell("Examples", provenCount(entry.size, "Poseidon([4, treeRoot, size])")),
      cell("Registrant", hashCode(entry.registrant, "registrant address")),
      cell("Registrant's URI", datasetUriLine(entry.uri, entry.size)),
      cell(
        "Other URIs",
        otherUris(entry.otherUris, (uri) => datasetUriLine(uri, entry.size)),
      ),
      cell("Block", blockWithTime(entry.blockNumber)),
    ),
  );
  replace(
    page.datasets,
    head,
    h(
      "p",
      { class: "muted section-note" },
      "The size is a fact: the registry computed the root, Poseidon([4, treeRoot, size]), from it, and every proof on the dataset uses it. ",
      URI_NOTE,
      " A dataset card (a data: URI) shows as its name and licence: the registrant's word, of which only the example count is checked, against the size.",
    ),
    table(
      ["Dataset root", "Examples", "Registrant", "Registrant's URI", "Other URIs", "Block"],
      rows,
      "datasets-table",
    ),
  );
}

/** Whether the pair's projection is complete (its id), else how far each instance's blocks got. */
function projectionStatusCell(entry: ProjectionEntry): HTMLElement {
  if (entry.projectionId !== undefined)
    return h(
      "span",
      {},
      h("span", { class: "badge good" }, "complete"),
      " ",
      fieldCode(entry.projectionId, "base projection id"),
    );
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
      cell("Base root", fieldCode(entry.baseRoot, "base model root")),
      cell("Dataset root", fieldCode(entry.datasetRoot, "dataset root")),
      cell("Projection", projectionStatusCell(entry)),
      cell(
        "Completed in",
        entry.completedIn === undefined
          ? h("span", { class: "muted" }, "—")
          : h(
              "span",
              {},
              blockWithTime(entry.completedIn.blockNumber, { inline: true }),
              " · ",
              hashCode(entry.completedIn.transactionHash, "transaction hash"),
            ),
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

const KIND_NAMES = new Map<number, string>(Object.entries(VERIFIER_KIND).map(([name, value]) => [value, name]));

function verifierStatus(entry: VerifierEntry): HTMLElement {
  return h(
    "span",
    {},
    verifierBadge(entry.retired),
    entry.retiredIn === undefined
      ? null
      : h(
          "span",
          { class: "muted" },
          " in ",
          blockWithTime(entry.retiredIn.blockNumber, { inline: true }),
          " · ",
          hashCode(entry.retiredIn.transactionHash, "transaction hash"),
        ),
  );
}

/**
 * The verifiers the registry registered, one per circuit instance: a retired one accepts no new proof, and
 * the runs it checked are flagged wherever they are shown.
 */
export function renderVerifiers(): void {
  const head = cardHeader("Verifiers");
  const entries = state.verifiers;
  if (entries === undefined) {
    replace(page.verifiers, head, loading("Reading VerifierRegistered and VerifierRetired events…"));
    return;
  }
  if ("error" in entries) {
    replace(page.verifiers, head, errorBox(entries.error, "Cannot read the verifiers"));
    return;
  }
  const verifiers = [...entries.values()];
  if (verifiers.length === 0) {
    replace(
      page.verifiers,
      head,
      empty("No verifier registered", "The deployment registers them (VERIFIER_ADMIN_ROLE)."),
    );
    return;
  }
  // Retired ones first: they are what a reader must not miss.
  verifiers.sort((first, second) => Number(second.retired) - Number(first.retired));
  const rows = verifiers.map((entry) =>
    h(
      "tr",
      { "data-circuit": entry.circuitId, "data-retired": String(entry.retired) },
      cell("Instance", circuitName(entry.circuitId)),
      cell("Kind", KIND_NAMES.get(entry.kind) ?? String(entry.kind)),
      cell("Count", String(entry.count)),
      cell("Verifier", hashCode(entry.verifier, "verifier address")),
      cell("Registered in", blockWithTime(entry.registeredBlock, { inline: true })),
      cell("Status", verifierStatus(entry)),
    ),
  );
  replace(
    page.verifiers,
    head,
    table(["Instance", "Kind", "Count", "Verifier", "Registered in", "Status"], rows, "verifiers-table"),
  );
}
