/** The elements of index.html the views fill and the boot wires. */
import { byId } from "./dom.js";

export const page = {
  rpcForm: byId<HTMLFormElement>("rpc-form"),
  rpcUrl: byId<HTMLInputElement>("rpc-url"),
  status: byId("status"),
  overview: byId("overview"),
  content: byId("content"),
  provenance: byId("provenance-results"),
  search: byId<HTMLFormElement>("search-form"),
  searchInput: byId<HTMLInputElement>("search-input"),
  dropZone: byId("drop-zone"),
  fileInput: byId<HTMLInputElement>("adapter-file"),
  instanceSelect: byId<HTMLSelectElement>("file-instance"),
  encodingSelect: byId<HTMLSelectElement>("file-encoding"),
  runs: byId("runs"),
  run: byId("run"),
  models: byId("models"),
  datasets: byId("datasets"),
  projections: byId("projections"),
  verifiers: byId("verifiers"),
};
