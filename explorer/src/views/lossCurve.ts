/**
 * A run's loss curve: one point per verified checkpoint, at the step count it ends at, of its proven
 * loss (the CheckpointVerified event's, as a mean squared error when the run's instance is known
 * here). Nothing in that series is claimed by the trainer: every value is a public input of a verified
 * proof. Beside it, on its own right-hand axis and drawn differently (dashed line, hollow diamonds,
 * another colour), an evaluation the trainer reported: its word, NOT proven.
 */
import { formatEvaluation, type VerifiedCheckpoint } from "../../../src/chain/index.js";
import type { ReportedSeries } from "../runStory.js";
import { h, svg } from "../ui/dom.js";

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 26, bottom: 30, left: 64 };
/** Room on the right: the reported series' axis labels, else only the last x label's half. */
const RIGHT_WITH_AXIS = 64;
const RIGHT_WITHOUT_AXIS = 16;
/** Half the width of a reported point's diamond. */
const DIAMOND = 5;

/** The value plotted: the mean squared error, else (instance unknown here) the proven Σ E² itself. */
function plotted(checkpoint: VerifiedCheckpoint): number {
  return checkpoint.meanLoss ?? Number(checkpoint.loss);
}

export function formatLoss(value: number): string {
  return value === 0 ? "0" : value.toPrecision(4);
}

/** "accuracy on 64 held-out examples": what a reported series measured, on which examples. */
export function seriesName(series: Pick<ReportedSeries, "metric" | "split">): string {
  return series.split === "" ? series.metric : `${series.metric} on ${series.split}`;
}

/** The plot area, and where a step count falls on it. */
interface Frame {
  right: number;
  top: number;
  bottom: number;
  x(steps: bigint): number;
  /** where `value` falls on an axis from 0 to `axisTop` */
  y(value: number, axisTop: number): number;
}

function diamondAt(x: number, y: number): string {
  return `${x},${y - DIAMOND} ${x + DIAMOND},${y} ${x},${y + DIAMOND} ${x - DIAMOND},${y}`;
}

/**
 * A small drawing of a series' line and marker, for the legend (the words beside it say the same); its
 * shapes carry no class of the curve's, so a query of the curve's points never finds them.
 */
function swatch(kind: "proven" | "reported"): SVGSVGElement {
  return svg(
    "svg",
    { viewBox: "0 0 28 12", width: 28, height: 12, class: `swatch ${kind}`, "aria-hidden": "true" },
    svg("line", { x1: 1, y1: 6, x2: 27, y2: 6 }),
    kind === "proven" ? svg("circle", { cx: 14, cy: 6, r: 4 }) : svg("polygon", { points: diamondAt(14, 6) }),
  );
}

/** The proven series on the left axis: circles on a solid line. */
function provenElements(
  frame: Frame,
  points: readonly { steps: bigint; value: number }[],
  label: string,
): SVGElement[] {
  if (points.length === 0) return [];
  const largest = points.reduce((most, point) => Math.max(most, point.value), 0);
  const top = largest > 0 ? largest * 1.1 : 1;
  const y = (value: number): number => frame.y(value, top);
  return [
    svg("text", { x: MARGIN.left - 6, y: y(largest) + 4, "text-anchor": "end" }, formatLoss(largest)),
    svg("text", { x: MARGIN.left - 6, y: frame.bottom + 4, "text-anchor": "end" }, "0"),
    svg("text", { x: MARGIN.left, y: 12, "text-anchor": "middle", class: "axis-title" }, "proven"),
    ...(points.length > 1
      ? [
          svg("polyline", {
            points: points.map((point) => `${frame.x(point.steps)},${y(point.value)}`).join(" "),
            class: "line",
          }),
        ]
      : []),
    ...points.map((point) =>
      svg(
        "circle",
        {
          cx: frame.x(point.steps),
          cy: y(point.value),
          r: 4,
          class: "point",
          "data-steps": String(point.steps),
          "data-loss": String(point.value),
        },
        svg("title", {}, `after ${point.steps} steps: ${label} ${formatLoss(point.value)} (proven)`),
      ),
    ),
  ];
}

/** A reported series on the right axis: hollow diamonds on a dashed line, each point's values in data-*. */
function reportedElements(frame: Frame, series: ReportedSeries): SVGElement[] {
  const y = (value: number): number => frame.y(value, series.axisTop);
  return [
    svg("line", { x1: frame.right, y1: frame.top, x2: frame.right, y2: frame.bottom, class: "axis reported-axis" }),
    ...series.ticks.map((tick) =>
      svg("text", { x: frame.right + 6, y: y(tick.value) + 4, "text-anchor": "start", class: "reported" }, tick.label),
    ),
    svg("text", { x: frame.right, y: 12, "text-anchor": "middle", class: "axis-title reported" }, "reported"),
    ...(series.points.length > 1
      ? [
          svg("polyline", {
            points: series.points.map((point) => `${frame.x(point.steps)},${y(point.value)}`).join(" "),
            class: "reported-line",
          }),
        ]
      : []),
    ...series.points.map((point) =>
      svg(
        "polygon",
        {
          points: diamondAt(frame.x(point.steps), y(point.value)),
          class: "reported-point",
          "data-steps": String(point.steps),
          "data-value": String(point.value),
          "data-metric": series.metric,
          "data-split": series.split,
        },
        svg(
          "title",
          {},
          `after ${point.steps} steps: ${seriesName(series)} ${formatEvaluation(series.metric, point.value)} (reported by the trainer, NOT proven)`,
        ),
      ),
    ),
  ];
}

/**
 * The curve of `checkpoints`' proven loss and, when the trainer reported any, the first reported series
 * beside it: the others are named in the legend (and each report is in the table under the curve).
 */
export function lossCurve(
  checkpoints: readonly VerifiedCheckpoint[],
  reported: readonly ReportedSeries[],
): HTMLElement {
  const points = checkpoints.map((checkpoint) => ({
    steps: checkpoint.firstStep + checkpoint.steps,
    value: plotted(checkpoint),
  }));
  const [shown, ...notShown] = reported;
  const meanSquared = checkpoints.every((checkpoint) => checkpoint.meanLoss !== undefined);
  const lastSteps = [...points, ...(shown?.points ?? [])].reduce(
    (largest, point) => (point.steps > largest ? point.steps : largest),
    1n,
  );
  const right = WIDTH - (shown === undefined ? RIGHT_WITHOUT_AXIS : RIGHT_WITH_AXIS);
  const bottom = HEIGHT - MARGIN.bottom;
  const plotHeight = bottom - MARGIN.top;
  const frame: Frame = {
    right,
    top: MARGIN.top,
    bottom,
    x: (steps) => MARGIN.left + (Number(steps) / Number(lastSteps)) * (right - MARGIN.left),
    y: (value, axisTop) => bottom - (value / axisTop) * plotHeight,
  };
  const label = meanSquared ? "mean squared error" : "Σ E² (scale unknown)";
  const provenWords = `Proven ${label} of each checkpoint's batches (loss / (k · n · d_out · 2^6F), PROTOCOL §12), at the step count the checkpoint ends at.`;

  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-label":
        shown === undefined
          ? `Proven ${label} of each checkpoint, by step`
          : `${points.length === 0 ? "No proven loss yet" : `Proven ${label} of each checkpoint (left axis)`}, and the ${seriesName(shown)} the trainer reported, not proven (right axis), by step`,
      class: "loss-curve",
    },
    svg("line", { x1: MARGIN.left, y1: bottom, x2: right, y2: bottom, class: "axis" }),
    svg("line", { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: bottom, class: "axis" }),
    svg("text", { x: MARGIN.left, y: HEIGHT - 8, "text-anchor": "middle" }, "0"),
    svg("text", { x: frame.x(lastSteps), y: HEIGHT - 8, "text-anchor": "middle" }, `${lastSteps} steps`),
    // The proven series last: drawn over the reported one where they cross.
    shown === undefined ? null : reportedElements(frame, shown),
    provenElements(frame, points, label),
  );
  if (shown === undefined)
    return h(
      "figure",
      { class: "loss-figure", "data-testid": "loss-curve" },
      chart,
      h("figcaption", { class: "muted" }, provenWords),
    );
  return h(
    "figure",
    { class: "loss-figure", "data-testid": "loss-curve" },
    chart,
    h(
      "figcaption",
      { "data-testid": "curve-legend" },
      h(
        "ul",
        { class: "curve-legend" },
        h(
          "li",
          { "data-series": "proven" },
          swatch("proven"),
          h("span", {}, h("strong", {}, "Proven"), " (solid line, left axis): "),
          points.length === 0
            ? "no verified checkpoint yet, so no proven loss."
            : `${provenWords} Every value is a public input of a verified proof.`,
        ),
        h(
          "li",
          { "data-series": "reported" },
          swatch("reported"),
          h(
            "span",
            {},
            h("strong", { class: "reported" }, "Reported by the trainer, NOT proven"),
            " (dashed, right axis): ",
          ),
          `${seriesName(shown)}. The trainer's word: the registry checked who reported it and that each step count names a verified adapter of the run, not the value.`,
        ),
        notShown.length === 0
          ? null
          : h(
              "li",
              { "data-series": "not-plotted" },
              `Also reported, not plotted (in the table below): ${notShown.map(seriesName).join("; ")}.`,
            ),
      ),
    ),
  );
}
