/** A few DOM helpers: the page is small enough for plain DOM, without a framework. */

export type Child = Node | string | number | bigint | null | undefined | false;
export type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, "").toLowerCase(), value);
    else if (name === "class") element.className = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/** An SVG element (h makes HTML elements, which an <svg> does not draw). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  ...children: (Child | Child[])[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NAMESPACE, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the element type it expects
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

export function shortHex(full: string): string {
  return full.length <= 18 ? full : `${full.slice(0, 10)}…${full.slice(-6)}`;
}

/** How long a copy button says "copied" (or "copy failed") before it says "copy" again. */
const COPY_FEEDBACK_MS = 1500;

/** Copies `full` to the clipboard; `button` says whether it worked for a moment (its label is CSS content). */
function copyToClipboard(full: string, button: HTMLButtonElement): void {
  const feedback = (outcome: "copied" | "copy-failed"): void => {
    button.classList.remove("copied", "copy-failed");
    button.classList.add(outcome);
    setTimeout(() => button.classList.remove(outcome), COPY_FEEDBACK_MS);
  };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined on plain-http pages other than localhost
  if (navigator.clipboard === undefined) {
    feedback("copy-failed");
    return;
  }
  navigator.clipboard.writeText(full).then(
    () => feedback("copied"),
    () => feedback("copy-failed"),
  );
}

/** A visible "copy" button that copies `full`; `what` names the value for its accessible name ("copy transaction hash"). */
export function copyButton(full: string, what: string): HTMLButtonElement {
  const button = h("button", {
    type: "button",
    class: "copy",
    "aria-label": `copy ${what}`,
    title: `copy ${what}: ${full}`,
  });
  button.addEventListener("click", (event) => {
    // A copy button inside a clickable row (the runs table) copies; it does not open the row.
    event.stopPropagation();
    copyToClipboard(full, button);
  });
  return button;
}

/**
 * A hash or address, shortened (whole in its title), with a copy button beside it that copies the whole
 * value (`what` names it). The button's words are CSS content, so a cell's text stays the value alone; a
 * click on the value copies it too.
 */
export function hashCode(full: string, what: string, options: { whole?: boolean } = {}): HTMLElement {
  const code = h(
    "code",
    { class: options.whole === true ? "hash whole" : "hash", title: `${full} (click to copy)`, "data-full": full },
    options.whole === true ? full : shortHex(full),
  );
  const button = copyButton(full, what);
  code.addEventListener("click", () => copyToClipboard(full, button));
  return h("span", { class: "hash-copy" }, code, button);
}

/** Text in which `backticked` parts are commands, shown as code. */
export function withCode(text: string): Child[] {
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.startsWith("`") && part.endsWith("`") && part.length > 1
        ? h("code", { class: "command" }, part.slice(1, -1))
        : part,
    );
}

export function milliseconds(value: number): string {
  return value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`;
}
