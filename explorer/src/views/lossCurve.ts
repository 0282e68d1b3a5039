/**
 * A run's loss curve: one point per verified checkpoint, at the step count it ends at, of its proven
 * loss (the CheckpointVerified event's, as a mean squared error when the run's instance is known
 * here). Nothing in it is claimed by the trainer: every value is a public input of a verified proof.
 */
import type { VerifiedCheckpoint } from "../../../src/chain/index.js";
import { h, svg } from "../ui/dom.js";

const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { top: 12, right: 16, bottom: 30, left: 64 };

/** The value plotted: the mean squared error, else (instance unknown here) the proven Σ E² itself. */
function plotted(checkpoint: VerifiedCheckpoint): number {
  return checkpoint.meanLoss ?? Number(checkpoint.loss);
}

export function formatLoss(value: number): string {
  return value === 0 ? "0" : value.toPrecision(4);
}

export function lossCurve(checkpoints: readonly VerifiedCheckpoint[]): HTMLElement {
  const points = checkpoints.map((checkpoint) => ({
    steps: checkpoint.firstStep + checkpoint.steps,
    value: plotted(checkpoint),
  }));
  const meanSquared = checkpoints.every((checkpoint) => checkpoint.meanLoss !== undefined);
  const lastSteps = points.reduce((largest, point) => (point.steps > largest ? point.steps : largest), 1n);
  const largest = points.reduce((most, point) => Math.max(most, point.value), 0);
  const top = largest > 0 ? largest * 1.1 : 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (steps: bigint): number => MARGIN.left + (Number(steps) / Number(lastSteps)) * plotWidth;
  const y = (value: number): number => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const bottom = MARGIN.top + plotHeight;
  const label = meanSquared ? "mean squared error" : "Σ E² (scale unknown)";

  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-label": `Proven ${label} of each checkpoint, by step`,
      class: "loss-curve",
    },
    svg("line", { x1: MARGIN.left, y1: bottom, x2: WIDTH - MARGIN.right, y2: bottom, class: "axis" }),
    svg("line", { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: bottom, class: "axis" }),
    svg("text", { x: MARGIN.left - 6, y: y(largest) + 4, "text-anchor": "end" }, formatLoss(largest)),
    svg("text", { x: MARGIN.left - 6, y: bottom + 4, "text-anchor": "end" }, "0"),
    svg("text", { x: MARGIN.left, y: HEIGHT - 8, "text-anchor": "middle" }, "0"),
    svg("text", { x: x(lastSteps), y: HEIGHT - 8, "text-anchor": "middle" }, `${lastSteps} steps`),
    points.length > 1
      ? svg("polyline", {
          points: points.map((point) => `${x(point.steps)},${y(point.value)}`).join(" "),
          class: "line",
        })
      : null,
    points.map((point) =>
      svg(
        "circle",
        {
          cx: x(point.steps),
          cy: y(point.value),
          r: 4,
          class: "point",
          "data-steps": String(point.steps),
          "data-loss": String(point.value),
        },
        svg("title", {}, `after ${point.steps} steps: ${label} ${formatLoss(point.value)}`),
      ),
    ),
  );
  return h(
    "figure",
    { class: "loss-figure", "data-testid": "loss-curve" },
    chart,
    h(
      "figcaption",
      { class: "muted" },
      `Proven ${label} of each checkpoint's batches (loss / (k · n · d_out · 2^6F), PROTOCOL §12), at the step count the checkpoint ends at.`,
    ),
  );
}
