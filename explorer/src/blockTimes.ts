/**
 * A block's time beside its number: each block's timestamp is read once per connection (the provider's
 * getBlock, batched with the other reads of the moment) and cached by block number. The views render
 * synchronously, so an element shown before its block's time is known says "…" and is filled in when the
 * answer comes; later renders take the time from the cache.
 */
import { state } from "./state.js";
import { h } from "./ui/dom.js";

/** A block's timestamp (seconds since 1970), "pending" while asked, "failed" when the node did not say. */
type BlockTime = number | "pending" | "failed";

const times = new Map<number, BlockTime>();
/** The connection the cached times were read through: a reconnection may reach another chain. */
let cachedGeneration = -1;

/** "2026-12-02 03:41:07 UTC": a block timestamp in UTC, to the second (what a block records). */
export function utcTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The block's time if known; else asks the node for it once and answers "pending". */
function blockTime(blockNumber: number): BlockTime {
  if (cachedGeneration !== state.generation) {
    times.clear();
    cachedGeneration = state.generation;
  }
  const known = times.get(blockNumber);
  if (known !== undefined) return known;
  const connection = state.connection;
  if (connection === undefined) return "failed";
  times.set(blockNumber, "pending");
  const generation = state.generation;
  void connection.provider.getBlock(blockNumber).then(
    (block) => settle(generation, blockNumber, block === null ? "failed" : block.timestamp),
    () => settle(generation, blockNumber, "failed"),
  );
  return "pending";
}

/** Keeps the answer and fills in the elements of that block the page shows now. */
function settle(generation: number, blockNumber: number, time: BlockTime): void {
  if (generation !== state.generation) return;
  times.set(blockNumber, time);
  for (const element of document.querySelectorAll<HTMLElement>(`time.block-time[data-block="${blockNumber}"]`))
    show(element, blockNumber, time);
}

function show(element: HTMLElement, blockNumber: number, time: BlockTime): void {
  if (time === "pending") {
    element.textContent = "…";
    element.title = `reading block ${blockNumber}'s time`;
  } else if (time === "failed") {
    element.textContent = "time unknown";
    element.title = `the node did not return block ${blockNumber}`;
  } else {
    // Date and clock may go on two lines in a narrow column, the clock and "UTC" never apart.
    const [date, clock] = utcTime(time).split(" ");
    element.replaceChildren(date ?? "", " ", h("span", { class: "nowrap" }, `${clock ?? ""} UTC`));
    element.setAttribute("datetime", new Date(time * 1000).toISOString());
    element.title = `block ${blockNumber}'s timestamp (${time} s since 1970, UTC)`;
  }
}

/** The time of block `blockNumber` as a <time> element ("…" until the node answers). */
export function blockTimeElement(blockNumber: number | bigint): HTMLElement {
  const number = Number(blockNumber);
  const element = h("time", { class: "block-time", "data-block": number });
  show(element, number, blockTime(number));
  return element;
}

/**
 * A block number with its time beside it: "123 2026-12-02 03:41:07 UTC" (in a table cell the time goes
 * under the number), or "block 123 at 2026-12-02 03:41:07 UTC" in running text with `inline`.
 */
export function blockWithTime(blockNumber: number | bigint, options: { inline?: boolean } = {}): HTMLElement {
  if (options.inline === true)
    return h(
      "span",
      { class: "block-at inline", "data-block": String(blockNumber) },
      `block ${blockNumber} at `,
      blockTimeElement(blockNumber),
    );
  return h(
    "span",
    { class: "block-at", "data-block": String(blockNumber) },
    h("span", { class: "block-number" }, String(blockNumber)),
    " ",
    blockTimeElement(blockNumber),
  );
}
