/**
 * The overview tiles: runs, verified steps, recorded merges, complete base projections, base models,
 * datasets and retired verifiers ("…" while read).
 */
import { readVerifiers, state } from "../state.js";
import { h, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";

function tile(label: string, value: string | undefined, alarming = false): HTMLElement {
  return h(
    "div",
    { class: alarming ? "tile alarming" : "tile" },
    h("span", { class: "tile-value" }, value ?? "…"),
    h("span", { class: "tile-label" }, label),
  );
}

export function renderOverview(): void {
  if (state.connection === undefined) {
    replace(page.overview);
    return;
  }
  const runs = Array.isArray(state.runs) ? state.runs : undefined;
  const verifiers = readVerifiers();
  const retired = verifiers === undefined ? undefined : [...verifiers.values()].filter((entry) => entry.retired).length;
  replace(
    page.overview,
    tile("runs", runs === undefined ? undefined : String(runs.length)),
    tile(
      "verified steps",
      runs === undefined ? undefined : String(runs.reduce((total, run) => total + run.nextStep, 0n)),
    ),
    tile("recorded merges", typeof state.mergeCount === "number" ? String(state.mergeCount) : undefined),
    tile(
      "complete projections",
      Array.isArray(state.projections)
        ? String(state.projections.filter((entry) => entry.projectionId !== undefined).length)
        : undefined,
    ),
    tile("base models", Array.isArray(state.models) ? String(state.models.length) : undefined),
    tile("datasets", Array.isArray(state.datasets) ? String(state.datasets.length) : undefined),
    tile("retired verifiers", retired === undefined ? undefined : String(retired), (retired ?? 0) > 0),
  );
}
