/**
 * What several views show the same way: a run's link, its start and lineage, a retired verifier's
 * warning, a circuit's name, α and lr; and what they can ask for.
 */
import type { CheckingVerifier, RunSummary, VerifiedCheckpoint, VerifiedMerge } from "../../../src/chain/index.js";
import { fromFixed, readDatasetUri } from "../../../src/protocol/index.js";
import { instanceOfCircuit, type LineageEntry, type PublishedUri, type Recorded } from "../chain.js";
import { state, verifierEntry, type RunPart } from "../state.js";
import { blockWithTime } from "../blockTimes.js";
import { h, hashCode, type Child } from "../ui/dom.js";
import { cell, fieldCode, plural, table } from "../ui/parts.js";

/** What a view's links and buttons ask for (explorer/src/actions.ts does it). */
export interface Actions {
  /** Connects again and reads everything again. */
  refresh(): void;
  /** Shows run `runId` and scrolls to it, or to `highlight` in it. */
  selectRun(runId: bigint, highlight?: RunPart): void;
  verifyStart(run: RunSummary): void;
  verifyCheckpoint(run: RunSummary, checkpoint: VerifiedCheckpoint): void;
  verifyMerge(run: RunSummary, merge: VerifiedMerge): void;
  verifyAll(run: RunSummary): void;
}

export function runLink(actions: Actions, runId: bigint, text: string, highlight?: RunPart): HTMLElement {
  return h(
    "a",
    {
      href: `#run=${runId}`,
      onclick: (event: Event) => {
        event.preventDefault();
        // A link inside a clickable row (a parent run in the runs table) opens the link's run, not the row's.
        event.stopPropagation();
        actions.selectRun(runId, highlight);
      },
    },
    text,
  );
}

/** "run R after S steps", the name of an adapter the registry vouches for (S = 0: the run's start). */
export function runAfterSteps(runId: bigint, steps: bigint): string {
  return `run ${runId} after ${plural(steps, "step")}`;
}

/** A link to the row of run `runId` that recorded its adapter after `steps` steps: its start or a checkpoint. */
export function adapterLink(actions: Actions, runId: bigint, steps: bigint, text: string): HTMLElement {
  return runLink(actions, runId, text, steps === 0n ? { kind: "start", steps } : { kind: "checkpoint", steps });
}

/** How a run started: "canonical start, seed N", or "continues run P after S steps" linking to the parent's row. */
export function startOf(actions: Actions, run: RunSummary): HTMLElement {
  const { origin } = run;
  if (origin.kind === "seed")
    return h(
      "span",
      { class: "origin", "data-origin": "seed" },
      "canonical start, seed ",
      h("strong", {}, String(origin.seed)),
    );
  return h(
    "span",
    { class: "origin", "data-origin": "parent" },
    "continues ",
    adapterLink(actions, origin.parentRunId, origin.parentSteps, runAfterSteps(origin.parentRunId, origin.parentSteps)),
  );
}

/** A base model's root with its block count (a fact: the registry computed the root from it). */
export function baseModelOf(baseRoot: bigint): HTMLElement {
  const model = Array.isArray(state.models) ? state.models.find((entry) => entry.baseRoot === baseRoot) : undefined;
  return h(
    "span",
    {},
    fieldCode(baseRoot, "base model root"),
    model === undefined ? null : h("span", { class: "muted" }, ` ${plural(model.blocks, "block")}`),
  );
}

/**
 * A dataset's root with its size (a fact: the registry computed the root from it), and under them the
 * name its registrant's card gives it (a claim), when there is a card.
 */
export function datasetOf(datasetRoot: bigint): HTMLElement {
  const dataset = Array.isArray(state.datasets)
    ? state.datasets.find((entry) => entry.datasetRoot === datasetRoot)
    : undefined;
  const reading = dataset === undefined ? undefined : readDatasetUri(dataset.uri);
  return h(
    "span",
    {},
    fieldCode(datasetRoot, "dataset root"),
    dataset === undefined ? null : h("span", { class: "muted" }, ` ${plural(dataset.size, "example")}`),
    reading?.kind === "card"
      ? h(
          "span",
          {
            class: "dataset-name block",
            "data-testid": "dataset-name",
            title: `${reading.card.name} (${reading.card.license}): the registrant's dataset card, not verified`,
          },
          reading.card.name,
        )
      : null,
  );
}

/** " · uri" after a root: where its registrant says the data is (nothing when it said nothing). */
export function uriNote(uri: string): HTMLElement | null {
  return uri === "" ? null : h("span", { class: "muted uri" }, ` · ${uri}`);
}

/** "active" or a loud "retired" badge: a retired verifier accepts no new proof (the reason is usually unsoundness). */
export function verifierBadge(retired: boolean): HTMLElement {
  return retired
    ? h("span", { class: "badge bad", "data-testid": "verifier-retired" }, "⚠ verifier retired")
    : h("span", { class: "badge good" }, "active");
}

/**
 * The warning a run page and a provenance answer open with when the run's checkpoint verifier is retired:
 * the proofs it accepted stay recorded, but whoever retired it no longer vouches for them.
 */
export function retiredVerifierBanner(runId: bigint, verifier: CheckingVerifier): HTMLElement {
  const retiredIn: Recorded | undefined = verifierEntry(verifier.circuitId)?.retiredIn;
  return h(
    "div",
    { class: "notice retired", role: "alert", "data-testid": "retired-banner" },
    h("strong", {}, `⚠ Run ${runId}'s checkpoint verifier is retired`),
    h(
      "p",
      {},
      "The verifier of ",
      circuitName(verifier.circuitId),
      " (",
      hashCode(verifier.verifier, "verifier address"),
      ") was retired",
      retiredIn === undefined
        ? ""
        : [
            " in ",
            blockWithTime(retiredIn.blockNumber, { inline: true }),
            " (",
            hashCode(retiredIn.transactionHash, "transaction hash"),
            ")",
          ],
      ": the registry accepts no new checkpoint of this run. The proofs it accepted before stay recorded, but a verifier is retired when its circuit or key is no longer trusted: do not rely on this run's checkpoints without knowing why.",
    ),
  );
}

/** "S of N verified steps": the step count a lineage continues from, and how far the run got. */
function lineageSteps(entry: LineageEntry): HTMLElement {
  const { steps, run } = entry;
  return h(
    "span",
    { class: "nowrap" },
    h("strong", {}, plural(steps, "step")),
    steps === run.nextStep ? null : h("span", { class: "muted" }, ` of ${run.nextStep} verified`),
  );
}

/**
 * A lineage (the run or adapter's producer first, back to a canonical start), one row per run with its
 * start, base model, dataset, α, lr, the step count the chain continues from and its checkpoint verifier.
 */
export function lineageTable(actions: Actions, lineage: readonly LineageEntry[]): HTMLElement {
  const rows = lineage.map((entry) =>
    h(
      "tr",
      {
        "data-run": String(entry.run.runId),
        "data-steps": String(entry.steps),
        "data-retired": String(entry.verifier.retired),
      },
      cell("Run", adapterLink(actions, entry.run.runId, entry.steps, `Run ${entry.run.runId}`)),
      cell("Start", startOf(actions, entry.run)),
      cell("Base model", baseModelOf(entry.run.baseRoot)),
      cell("Dataset", datasetOf(entry.run.datasetRoot)),
      cell("α", hyperparameter(entry.run, entry.run.alpha)),
      cell("lr", hyperparameter(entry.run, entry.run.lr)),
      cell("Steps", lineageSteps(entry)),
      cell("Checkpoint verifier", verifierBadge(entry.verifier.retired)),
    ),
  );
  return h(
    "div",
    { "data-testid": "lineage" },
    table(["Run", "Start", "Base model", "Dataset", "α", "lr", "Steps", "Checkpoint verifier"], rows, "lineage-table"),
  );
}

/** The instance a circuit id names, as the page's data declares it. */
export function instanceNamed(circuitId: string): ReturnType<typeof instanceOfCircuit> {
  return state.data === undefined ? undefined : instanceOfCircuit(circuitId, state.data.instances);
}

/** An instance name that may break after its underscores (<wbr>), so a narrow column need not scroll. */
function breakableName(name: string): Child[] {
  return name.split(/(?<=_)/).flatMap((part, index) => (index === 0 ? [part] : [h("wbr"), part]));
}

export function circuitName(circuitId: string): HTMLElement {
  const instance = instanceNamed(circuitId);
  return instance === undefined
    ? h("span", { class: "muted", title: circuitId }, "unknown circuit ", hashCode(circuitId, "circuit id"))
    : h("span", { class: "circuit", title: `circuit id ${circuitId}` }, breakableName(instance.name));
}

/** A checkpoint instance's k and training-step shape, from this checkout's circuits/instances.json. */
type CheckpointParams = NonNullable<RunSummary["checkpointInstance"]>["params"];

/** The shape in words: "d_in × d_out = 8 × 8, rank 2, batch 2, dataset depth 4 (at most 16 examples), F = 8". */
function shapeInWords(params: CheckpointParams): string {
  return `d_in × d_out = ${params.dIn} × ${params.dOut}, rank ${params.rank}, batch ${params.batch} examples per step, dataset depth ${params.depth} (at most ${2 ** params.depth} examples), F = ${params.F} fractional bits`;
}

/**
 * The runs table's line under a checkpoint instance's name: "k = 2 · 8×8 · rank 2 · batch 2" (the whole
 * shape in its title); nothing when the instance is not in this checkout (the registry has only its id).
 */
export function instanceShapeLine(run: RunSummary): HTMLElement | null {
  const params = run.checkpointInstance?.params;
  if (params === undefined) return null;
  return h(
    "span",
    {
      class: "instance-shape",
      "data-testid": "instance-shape",
      title: `${params.steps === undefined ? "" : `k = ${plural(params.steps, "step")} per proof; `}${shapeInWords(params)}`,
    },
    // Each part whole on its line: a narrow column breaks between them only.
    [
      params.steps === undefined ? null : `k = ${params.steps}`,
      `${params.dIn}×${params.dOut}`,
      `rank ${params.rank}`,
      `batch ${params.batch}`,
    ]
      .filter((part) => part !== null)
      .flatMap((part, index) => [index === 0 ? "" : " · ", h("span", { class: "nowrap" }, part)]),
  );
}

/** The run page's fact of its checkpoint instance's shape, in words ("unknown" outside this checkout's instances). */
export function instanceShapeFact(run: RunSummary): HTMLElement {
  const params = run.checkpointInstance?.params;
  return h(
    "span",
    { "data-testid": "instance-shape" },
    params === undefined
      ? h("span", { class: "muted" }, "unknown: the instance is not in this checkout's circuits/instances.json")
      : shapeInWords(params),
  );
}

/**
 * α or lr as the real number it stands for, α̂ / 2^F with F of the run's checkpoint instance (PROTOCOL §2);
 * the integer alone when the instance is not in this checkout.
 */
export function hyperparameter(run: RunSummary, value: bigint): HTMLElement {
  const F = run.checkpointInstance?.params.F;
  if (F === undefined)
    return h(
      "span",
      { title: "fixed point, scale unknown: the instance is not in this checkout" },
      `${value} (fixed point)`,
    );
  return h(
    "span",
    { class: "real", title: `${value} / 2^${F} (fixed point, PROTOCOL §2)` },
    String(fromFixed(value, F)),
  );
}

/**
 * Other publishers' uris, each with its publisher (anyone may publish where they say the data is), each
 * shown by `show` (a dataset's: its card as its name); "—" for none.
 */
export function otherUris(uris: readonly PublishedUri[], show: (uri: string) => HTMLElement): HTMLElement {
  if (uris.length === 0) return h("span", { class: "muted" }, "—");
  return h(
    "ul",
    { class: "uris", "data-testid": "other-uris" },
    uris.map((entry) =>
      h(
        "li",
        {},
        show(entry.uri),
        h("span", { class: "muted" }, " by "),
        hashCode(entry.publisher, "publisher address"),
      ),
    ),
  );
}
