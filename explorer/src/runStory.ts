/**
 * What a run's story says beyond its proofs, decided without the DOM (so a unit test can check it): what
 * the registrant's uri says of the dataset (a card, a link, nothing, or a card that does not parse) with
 * the card's one checkable claim, its example count, against the registered size; and the trainer's
 * reported evaluations as series to plot, one per (metric, split). Both are someone's word, not proven.
 */
import { byBigint, formatEvaluation, type ReportedEvaluation } from "../../src/chain/index.js";
import { readDatasetUri, type DatasetCard } from "../../src/protocol/index.js";

/** The card's example count against the size the registry computed the dataset's root from. */
export interface SizeCheck {
  /** Dataset.size: on-chain, bound into the root and so into every proof on the dataset */
  registered: bigint;
  /** the card's `examples`: the registrant's word */
  claimed: number;
  agrees: boolean;
}

/** A dataset's uri as the run page describes it. */
export type DatasetDescription =
  | { kind: "none" }
  /** not a data: URI: shown, never fetched; `href` only for an http(s) URL */
  | { kind: "link"; uri: string; href: string | undefined }
  | { kind: "invalid"; reason: string }
  | {
      kind: "card";
      card: DatasetCard;
      size: SizeCheck;
      /** the licence's SPDX page, when `license` is one SPDX identifier */
      licenseUrl: string | undefined;
      /** `source` as a link target, only when it is an http(s) URL */
      sourceHref: string | undefined;
    };

/** `text` as a link target when it is an http(s) URL (a javascript: or data: URI never becomes a link). */
export function httpHref(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** https://spdx.org/licenses/<id>.html for one SPDX licence identifier; none for an expression ("MIT OR …") or free text. */
export function spdxLicenseUrl(license: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(license) ? `https://spdx.org/licenses/${license}.html` : undefined;
}

export function describeDataset(uri: string, registeredSize: bigint): DatasetDescription {
  const reading = readDatasetUri(uri);
  switch (reading.kind) {
    case "none":
    case "invalid":
      return reading;
    case "link":
      return { kind: "link", uri: reading.uri, href: httpHref(reading.uri) };
    case "card": {
      const { card } = reading;
      return {
        kind: "card",
        card,
        size: { registered: registeredSize, claimed: card.examples, agrees: BigInt(card.examples) === registeredSize },
        licenseUrl: spdxLicenseUrl(card.license),
        sourceHref: card.source === undefined ? undefined : httpHref(card.source),
      };
    }
  }
}

/** One reported value on the curve: the latest report of its (metric, split) at that step count. */
export interface ReportedPoint {
  steps: bigint;
  value: number;
  numerator: bigint;
  denominator: bigint;
}

/** The reports of one (metric, split), to plot on the curve's right-hand axis. */
export interface ReportedSeries {
  metric: string;
  split: string;
  /** by step count, one per step count */
  points: ReportedPoint[];
  /** the right-hand axis: 0 to `axisTop` (1, i.e. 100%, for an accuracy) */
  axisTop: number;
  /** the values the axis names, as the page writes a value of the metric ("0%", "50%", "100%") */
  ticks: { value: number; label: string }[];
}

/**
 * The reports grouped by (metric, split), in the order each pair was first reported (runEvaluations sorts
 * by step count, then block): a pair reported again at a step count shows its latest value.
 */
export function reportedSeries(evaluations: readonly ReportedEvaluation[]): ReportedSeries[] {
  const byPair = new Map<string, { metric: string; split: string; points: Map<bigint, ReportedPoint> }>();
  for (const evaluation of evaluations) {
    const key = JSON.stringify([evaluation.metric, evaluation.split]);
    const series = byPair.get(key) ?? { metric: evaluation.metric, split: evaluation.split, points: new Map() };
    const { steps, value, numerator, denominator } = evaluation;
    series.points.set(steps, { steps, value, numerator, denominator });
    byPair.set(key, series);
  }
  return [...byPair.values()].map(({ metric, split, points }) => {
    const sorted = [...points.values()].sort((first, second) => byBigint(first.steps, second.steps));
    const largest = sorted.reduce((most, point) => Math.max(most, point.value), 0);
    // An accuracy is a fraction of examples: its axis is 0–100% whatever the values.
    const accuracy = metric === "accuracy";
    const axisTop = accuracy ? 1 : largest > 0 ? largest * 1.1 : 1;
    const named = accuracy ? [0, 0.5, 1] : largest > 0 ? [0, largest] : [0];
    const ticks = named.map((value) => ({ value, label: formatEvaluation(metric, value) }));
    return { metric, split, points: sorted, axisTop, ticks };
  });
}
