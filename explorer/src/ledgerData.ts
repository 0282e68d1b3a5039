/**
 * What the page needs from the project's files, as one JSON document (served by the Vite plugin in
 * explorer/ledgerDataPlugin.ts at LEDGER_DATA_URL, written next to the page by `vite build`).
 * Shared by the plugin (Node) and the page (browser): types and constants only.
 */

/** The Ignition future id of the registry (= REGISTRY_FUTURE_ID of src/hardhat/deployment.ts, which is Node-only). */
export const REGISTRY_FUTURE_ID = "LoraLedger#LoraLedgerRegistry";

/** Where the page fetches the project's data (relative to the page, so a build works under any path). */
export const LEDGER_DATA_URL = "lora-data/ledger.json";

/** A circuit instance's verification key (build/circuits/<name>/verification_key.json). */
export function verificationKeyUrl(instance: string): string {
  return `lora-data/vk/${encodeURIComponent(instance)}.json`;
}

export interface InstanceInfo {
  name: string;
  purpose: string;
  /** the circom template ("LoraStep" proves training steps) */
  template: string;
  params: {
    dIn: number;
    dOut: number;
    rank: number;
    batch: number;
    depth: number;
    F: number;
    FW: number;
    xBits: number;
    aBits: number;
    wBits: number;
  };
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
