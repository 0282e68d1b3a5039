/**
 * The registry explorer: what a LoraLedgerRegistryV2 knows, read through a JSON-RPC URL with the
 * project's library (src/chain, src/protocol) and typechain types. This file boots the page: it wires
 * the top bar, the search form, the file drop and the address to the actions, then connects.
 */
import "./style.css";
import { actions, connectAndLoad, fetchLedgerData, requestedRun } from "./actions.js";
import { DEFAULT_RPC } from "./ledgerData.js";
import { state } from "./state.js";
import { page } from "./ui/page.js";
import { searchCommitment, searchFiles } from "./views/search.js";

function wireConnection(): void {
  page.rpcForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const parameters = new URLSearchParams(location.search);
    parameters.set("rpc", page.rpcUrl.value.trim());
    history.replaceState(null, "", `${location.pathname}?${parameters.toString()}${location.hash}`);
    void connectAndLoad();
  });
  window.addEventListener("hashchange", () => {
    const runId = requestedRun();
    if (runId !== undefined && runId !== state.selectedRun) actions.selectRun(runId);
  });
}

function wireSearch(): void {
  page.search.addEventListener("submit", (event) => {
    event.preventDefault();
    searchCommitment(actions);
  });
  page.fileInput.addEventListener("change", () => {
    void searchFiles(actions, [...(page.fileInput.files ?? [])]);
    page.fileInput.value = "";
  });
  const { dropZone } = page;
  for (const type of ["dragenter", "dragover"]) {
    dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      dropZone.classList.add("dragging");
    });
  }
  for (const type of ["dragleave", "drop"])
    dropZone.addEventListener(type, () => dropZone.classList.remove("dragging"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    void searchFiles(actions, [...(event.dataTransfer?.files ?? [])]);
  });
}

/** The JSON-RPC URL: ?rpc=, else the project's default (LORA_EXPLORER_RPC), else the local node's. */
async function initialRpc(): Promise<string> {
  const fromQuery = new URLSearchParams(location.search).get("rpc");
  let defaultRpc = DEFAULT_RPC;
  try {
    defaultRpc = (await fetchLedgerData()).defaultRpc;
  } catch {
    // connectAndLoad reports it
  }
  return fromQuery ?? defaultRpc;
}

async function start(): Promise<void> {
  wireConnection();
  wireSearch();
  page.rpcUrl.value = await initialRpc();
  await connectAndLoad();
}

void start();
