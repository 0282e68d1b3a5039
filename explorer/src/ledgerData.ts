/**
 * What the page needs from the project's files, as one JSON document (served by the Vite plugin in
 * explorer/ledgerDataPlugin.ts at LEDGER_DATA_URL, written next to the page by `vite build`).
 * Shared by the plugin (Node) and the page (browser): types and constants only. The registry's key in
 * a deployment record is REGISTRY_V2_FUTURE_ID of src/chain.
 */
import type { CircuitInstance } from "../../src/protocol/index.js";

/** The JSON-RPC URL of `npx hardhat node`: the page's default unless LORA_EXPLORER_RPC or ?rpc= says otherwise. */
export const DEFAULT_RPC = "http://127.0.0.1:8545";

/** Where the page fetches the project's data (relative to the page, so a build works under any path). */
export const LEDGER_DATA_URL = "lora-data/ledger.json";

/** A circuit instance's verification key (build/circuits/<name>/verification_key.json). */
export function verificationKeyUrl(instance: string): string {
  return `lora-data/vk/${encodeURIComponent(instance)}.json`;
}

/** A circuit instance of circuits/instances.json (its schema: src/protocol/instances.ts), as the page needs it. */
export interface InstanceInfo extends Pick<CircuitInstance, "name" | "purpose" | "template" | "params"> {
  /** whether build/circuits/<name>/verification_key.json exists */
  verificationKey: boolean;
}

export interface ChainDeployment {
  /** project-relative path of Ignition's record */
  file: string;
  /** Ignition's future id → address */
  addresses: Record<string, string>;
}

export interface LedgerData {
  /** the JSON-RPC URL the page connects to unless ?rpc= says otherwise (LORA_EXPLORER_RPC) */
  defaultRpc: string;
  /** chain id (decimal) → its recorded deployment */
  deployments: Record<string, ChainDeployment>;
  instances: InstanceInfo[];
  /** when the data was read (ISO 8601) */
  readAt: string;
}
