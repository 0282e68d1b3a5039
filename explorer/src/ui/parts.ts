/** The pieces every view is built of: notices, cards, tables and facts, in the page's CSS classes. */
import { toHex32 } from "../../../src/protocol/index.js";
import { ActionableError, errorMessage } from "../errors.js";
import { h, hashCode, withCode, type Child } from "./dom.js";

/** A failure: its title (an ActionableError's own, else `fallbackTitle`), its message and its hint. */
export function errorBox(error: unknown, fallbackTitle = "Something went wrong"): HTMLElement {
  const actionable = error instanceof ActionableError ? error : undefined;
  return h(
    "div",
    { class: "notice error", role: "alert" },
    h("strong", {}, actionable?.title ?? fallbackTitle),
    h("p", {}, ...withCode(errorMessage(error))),
    actionable?.hint === undefined ? null : h("p", { class: "hint" }, ...withCode(actionable.hint)),
  );
}

export function loading(text: string): HTMLElement {
  return h("p", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export function empty(title: string, ...body: Child[]): HTMLElement {
  return h("div", { class: "empty" }, h("strong", {}, title), body.length > 0 ? h("p", {}, ...body) : null);
}

export function cardHeader(title: string, ...extra: Child[]): HTMLElement {
  return h("div", { class: "card-head" }, h("h2", {}, title), ...extra);
}

/** A table that becomes labelled cards at phone width (each cell's data-label). */
export function table(headers: string[], rows: HTMLTableRowElement[], className = ""): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: `responsive ${className}` },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((header) =>
            h("th", { scope: "col", class: /[\u0370-\u03ff]/.test(header) ? "keep-case" : undefined }, header),
          ),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

export function cell(label: string, ...content: Child[]): HTMLTableCellElement {
  return h("td", { "data-label": label }, ...content);
}

/** One entry of a `dl.facts` list. */
export function fact(label: string, ...value: Child[]): HTMLElement {
  return h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, ...value));
}

/** A field element (a root, a commitment, a hash) as its 32-byte hex, shortened, with its copy button (`what` names it). */
export function fieldCode(value: bigint, what: string): HTMLElement {
  return hashCode(toHex32(value), what);
}

export function plural(count: bigint | number, word: string): string {
  return `${count} ${word}${BigInt(count) === 1n ? "" : "s"}`;
}

/** The command that records a run (docs/COMMANDS.md). */
export const RECORD_COMMAND = "npx hardhat run scripts/prove-and-submit.ts --network localhost";
