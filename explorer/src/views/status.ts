/** The status bar: connecting, the connection's failure, or the chain, registry and block it reached. */
import { state } from "../state.js";
import { blockTimeElement } from "../blockTimes.js";
import { h, hashCode, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { errorBox, loading } from "../ui/parts.js";
import type { Actions } from "./shared.js";

export function renderConnecting(url: string): void {
  replace(page.status, loading(`Connecting to ${url}…`));
}

export function renderConnectionFailed(error: unknown): void {
  replace(page.status, errorBox(error, "Cannot read the registry"));
}

export function renderStatus(actions: Actions): void {
  const connection = state.connection;
  if (connection === undefined) return;
  replace(
    page.status,
    h(
      "div",
      { class: "notice ok", "data-testid": "connected" },
      h(
        "div",
        { class: "status-line" },
        h("span", { class: "dot", "aria-hidden": "true" }),
        h("span", {}, "Chain ", h("strong", {}, String(connection.chainId))),
        h("span", {}, "registry ", hashCode(connection.registryAddress, "registry address")),
        h(
          "span",
          {},
          "block ",
          h("strong", {}, String(connection.blockNumber)),
          " ",
          blockTimeElement(connection.blockNumber),
        ),
        h("span", { class: "muted" }, "from ", h("code", {}, connection.deploymentFile)),
      ),
      h("button", { type: "button", class: "secondary", onclick: () => actions.refresh() }, "Refresh"),
    ),
  );
}
