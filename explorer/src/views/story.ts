/**
 * A run's story beside its proofs: the dataset it trained on as its registrant describes it (a dataset
 * card kept on-chain as the dataset's uri: its word, not verified, but for its example count, checked
 * here against the registered size the proofs use), and the evaluations its trainer reported (its word,
 * NOT proven). The loss curve between them is in lossCurve.ts.
 */
import { formatEvaluation, type ReportedEvaluation, type RunSummary } from "../../../src/chain/index.js";
import type { DatasetEntry } from "../chain.js";
import { describeDataset, type DatasetDescription, type SizeCheck } from "../runStory.js";
import { state } from "../state.js";
import { blockWithTime } from "../blockTimes.js";
import { h, hashCode, type Child } from "../ui/dom.js";
import { cell, empty, errorBox, fact, fieldCode, loading, plural, table } from "../ui/parts.js";
import { adapterLink, otherUris, type Actions } from "./shared.js";

/** The mark every claim of the registrant carries. */
function registrantsWord(): HTMLElement {
  return h(
    "span",
    { class: "badge warn", title: "the registry stores the uri as its registrant sent it and checks nothing in it" },
    "described by the registrant, not verified",
  );
}

/** A link that opens elsewhere without giving the page a handle on it, nor the page's address. */
function externalLink(href: string, text: string): HTMLElement {
  return h("a", { href, rel: "noopener noreferrer", target: "_blank", class: "uri" }, text);
}

/** The registered size (a fact) and the card's count (a claim), when there is a card: agreeing or not. */
function sizeFact(registered: bigint, card: SizeCheck | undefined): HTMLElement {
  return fact(
    "Size",
    h(
      "span",
      {
        "data-testid": "dataset-size",
        "data-registered": String(registered),
        "data-claimed": card === undefined ? undefined : String(card.claimed),
      },
      h("strong", {}, plural(registered, "example")),
      h(
        "span",
        { class: "muted" },
        " registered on-chain: the registry computed the dataset's root from it, so every proof of the run is bound to it ",
      ),
      card === undefined
        ? null
        : card.agrees
          ? h("span", { class: "badge good" }, `✓ the card says ${plural(card.claimed, "example")} too`)
          : h("span", { class: "badge bad" }, `⚠ the card says ${plural(card.claimed, "example")}`),
    ),
  );
}

/** The loud warning of a card whose example count is not the registered size. */
function sizeMismatchWarning(size: SizeCheck): HTMLElement {
  return h(
    "div",
    { class: "notice warn", role: "alert", "data-testid": "size-mismatch" },
    h("strong", {}, "⚠ The card's size differs from the registered size"),
    h(
      "p",
      {},
      `The registrant's card says ${plural(size.claimed, "example")}, but the dataset was registered with ${plural(size.registered, "example")}: the proofs use the registered ${size.registered}. The card is wrong, or it describes other data: do not trust the rest of it either.`,
    ),
  );
}

/**
 * What the uri says, as facts (name, licence, description, source, citation, sha256) or a note, with
 * `size` (the registered size) where a reader looks for it: after a card's name and licence.
 */
function descriptionFacts(description: DatasetDescription, size: HTMLElement): Child[] {
  switch (description.kind) {
    case "none":
      return [fact("Description", h("span", { class: "muted" }, "the registrant published no description")), size];
    case "link":
      return [
        fact(
          "Registrant's link",
          description.href === undefined
            ? h("code", { class: "uri" }, description.uri)
            : externalLink(description.href, description.uri),
          h("span", { class: "muted" }, " (not fetched: no card on-chain)"),
        ),
        size,
      ];
    case "invalid":
      return [size];
    case "card": {
      const { card, licenseUrl, sourceHref } = description;
      return [
        fact("Name", h("strong", { "data-testid": "dataset-name" }, card.name)),
        fact(
          "Licence",
          licenseUrl === undefined
            ? h("span", { "data-testid": "dataset-license" }, card.license)
            : h(
                "a",
                {
                  href: licenseUrl,
                  rel: "noopener noreferrer",
                  target: "_blank",
                  "data-testid": "dataset-license",
                  title: `the SPDX licence ${card.license}`,
                },
                card.license,
              ),
        ),
        size,
        card.description === undefined ? null : fact("Description", card.description),
        card.source === undefined
          ? null
          : fact(
              "Source",
              sourceHref === undefined
                ? h("span", { class: "uri" }, card.source)
                : externalLink(sourceHref, card.source),
            ),
        card.citation === undefined ? null : fact("Citation", card.citation),
        card.sha256 === undefined
          ? null
          : fact("SHA-256 of the source file", hashCode(card.sha256, "source file sha256")),
      ];
    }
  }
}

/**
 * A dataset uri in a list (the registrations, other publishers): a card as "name (licence)" with a
 * warning when its example count is not the registered size, an invalid card as such, a link as itself
 * (a link only when http(s); never fetched); data-uri-kind says which.
 */
export function datasetUriLine(uri: string, registeredSize: bigint): HTMLElement {
  const description = describeDataset(uri, registeredSize);
  switch (description.kind) {
    case "none":
      return h("span", { class: "muted", "data-uri-kind": "none" }, "—");
    case "link":
      return h(
        "span",
        { "data-uri-kind": "link" },
        description.href === undefined
          ? h("span", { class: "uri" }, description.uri)
          : externalLink(description.href, description.uri),
      );
    case "invalid":
      return h(
        "span",
        { "data-uri-kind": "invalid", title: description.reason },
        h("span", { class: "badge bad" }, "⚠ invalid dataset card"),
        h("span", { class: "muted reason" }, ` ${description.reason}`),
      );
    case "card": {
      const { card, size } = description;
      return h(
        "span",
        { "data-uri-kind": "card", title: "a dataset card: the registrant's word, not verified" },
        h("span", { class: "dataset-name" }, card.name),
        h("span", { class: "muted" }, ` (${card.license})`),
        size.agrees
          ? null
          : h(
              "span",
              { class: "badge bad", "data-testid": "size-mismatch" },
              `⚠ card says ${plural(size.claimed, "example")}, registered ${size.registered}`,
            ),
      );
    }
  }
}

/** The run's dataset as its registrant describes it, beside the registered size (on-chain). */
export function datasetPart(run: RunSummary): HTMLElement {
  const datasets = state.datasets;
  if (datasets === undefined) return loading("Reading the dataset's registration…");
  if (!Array.isArray(datasets)) return errorBox(datasets.error, "Cannot read the datasets");
  const entry: DatasetEntry | undefined = datasets.find((dataset) => dataset.datasetRoot === run.datasetRoot);
  if (entry === undefined)
    return empty(
      "The run's dataset is not among the registered ones",
      "Its root: ",
      fieldCode(run.datasetRoot, "dataset root"),
    );
  const description = describeDataset(entry.uri, entry.size);
  return h(
    "div",
    { class: "dataset-part", "data-testid": "run-dataset", "data-kind": description.kind },
    description.kind === "none"
      ? null
      : h(
          "p",
          { class: "muted section-note" },
          registrantsWord(),
          " ",
          description.kind === "card"
            ? "The registrant's dataset card, kept on-chain as the dataset's uri. Only its example count can be checked: against the registered size, which the proofs use."
            : "What the registrant's uri says; the registry checks nothing in it.",
        ),
    description.kind === "card" && !description.size.agrees ? sizeMismatchWarning(description.size) : null,
    description.kind === "invalid"
      ? h(
          "div",
          { class: "notice warn", role: "alert", "data-testid": "invalid-card" },
          h("strong", {}, "⚠ The registrant's uri is not a valid dataset card"),
          h("p", {}, description.reason),
        )
      : null,
    h(
      "dl",
      { class: "facts" },
      descriptionFacts(description, sizeFact(entry.size, description.kind === "card" ? description.size : undefined)),
      fact("Dataset root", fieldCode(entry.datasetRoot, "dataset root")),
      fact("Registrant", hashCode(entry.registrant, "registrant address")),
      // Other publishers' uris, each in one line (a card as its name and licence, a link never fetched).
      entry.otherUris.length === 0
        ? null
        : fact(
            "Other publishers say",
            otherUris(entry.otherUris, (uri) => datasetUriLine(uri, entry.size)),
          ),
    ),
  );
}

/** "start" or "after 6 steps": the adapter a report is of, linked to the row that verified it. */
function reportedAdapter(actions: Actions, run: RunSummary, steps: bigint): HTMLElement {
  return adapterLink(actions, run.runId, steps, steps === 0n ? "start (0 steps)" : `after ${plural(steps, "step")}`);
}

/** The longest fraction written beside a value; a longer one (a mean squared error's) is in its title only. */
const FRACTION_BESIDE_MAX = 16;

/** "= 320/541": the exact fraction reported, beside the value when it is short. */
function exactFraction({ numerator, denominator }: ReportedEvaluation): HTMLElement | null {
  const fraction = `${numerator}/${denominator}`;
  return fraction.length > FRACTION_BESIDE_MAX ? null : h("span", { class: "muted fraction" }, ` = ${fraction}`);
}

/** The badge every reported value carries: visible words, not a colour alone. */
function notProvenBadge(): HTMLElement {
  return h("span", { class: "badge warn", "data-testid": "not-proven" }, "reported · not proven");
}

/** The trainer's reports (EvaluationReported), one row each, every row marked as not proven. */
export function evaluationsView(
  actions: Actions,
  run: RunSummary,
  evaluations: readonly ReportedEvaluation[],
): HTMLElement {
  if (evaluations.length === 0)
    return h(
      "div",
      { "data-testid": "evaluations" },
      empty(
        "No evaluation reported",
        "The trainer may report held-out evaluations of the run's verified adapters (reportEvaluations; prove-and-submit reports its task's unless LORA_REPORT=false): its word, not proven.",
      ),
    );
  const rows = evaluations.map((evaluation) =>
    h(
      "tr",
      {
        "data-evaluation": "reported",
        "data-steps": String(evaluation.steps),
        "data-metric": evaluation.metric,
        "data-split": evaluation.split,
        "data-value": String(evaluation.value),
        "data-numerator": String(evaluation.numerator),
        "data-denominator": String(evaluation.denominator),
      },
      cell("Adapter", reportedAdapter(actions, run, evaluation.steps)),
      cell("Metric", evaluation.metric),
      cell("Split", evaluation.split === "" ? h("span", { class: "muted" }, "—") : evaluation.split),
      cell(
        "Value",
        h(
          "span",
          {
            class: "evaluation-value",
            title: `exactly ${evaluation.numerator} / ${evaluation.denominator}, as reported`,
          },
          h("strong", {}, formatEvaluation(evaluation.metric, evaluation.value)),
          exactFraction(evaluation),
        ),
      ),
      cell("Reporter", hashCode(evaluation.reporter, "reporter address")),
      cell("Block", blockWithTime(evaluation.blockNumber)),
      cell("Transaction", hashCode(evaluation.transactionHash, "transaction hash")),
      cell("Status", notProvenBadge()),
    ),
  );
  return h(
    "div",
    { "data-testid": "evaluations" },
    h(
      "p",
      { class: "muted section-note" },
      h("strong", {}, "The trainer's word, NOT proven. "),
      "The registry checked only that the run's trainer sent each report and that its step count names a verified adapter of the run (0, its start, or the end of a verified checkpoint). Nothing checked the value.",
    ),
    table(
      ["Adapter", "Metric", "Split", "Value", "Reporter", "Block", "Transaction", "Status"],
      rows,
      "evaluations-table",
    ),
  );
}
