import hre, { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { LoraLedgerError } from "../protocol/index.js";

/** A connection to the network the command line chose (`--network`), and its chain id. */
export interface ConnectedNetwork {
  connection: NetworkConnection;
  chainId: bigint;
}

/** The `--network` the command line chose ("default": Hardhat's in-process network). */
export function chosenNetworkName(): string {
  return hre.globalOptions.network;
}

/** The URL an http network is configured with, when it can be read without a secret. */
async function configuredUrl(name: string): Promise<string | undefined> {
  const config = hre.config.networks[name];
  if (config?.type !== "http") return undefined;
  try {
    return await config.url.get();
  } catch {
    return undefined;
  }
}

/**
 * Hardhat's errors for a network a user misconfigured, as usage errors that name the variable or the
 * endpoint and the fix; anything else is left as it is (a bug).
 */
export async function explainNetworkFailure(error: unknown, name: string): Promise<unknown> {
  const message = error instanceof Error ? error.message : String(error);
  // HHE7: neither the keystore nor the environment has it; HHE50002: a keystore exists without it.
  const variable =
    /HHE7: Configuration Variable "(\w+)" not found/.exec(message)?.[1] ??
    /HHE5000\d: Key "(\w+)" not found in the/.exec(message)?.[1];
  if (variable !== undefined) {
    return new LoraLedgerError(
      "usage",
      `--network ${name} needs ${variable}, which is not set: store it with \`npx hardhat keystore set ${variable}\` or set it in the environment (docs/DEPLOYMENT.md)`,
      variable,
    );
  }
  if (/^HHE70[0-9]:/.test(message) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|fetch failed/.test(message)) {
    const url = await configuredUrl(name);
    const fix =
      name === "localhost"
        ? "start one with `npx hardhat node` in another terminal (LORA_LOCALHOST_URL changes the URL)"
        : "check the node's URL and that it is up";
    return new LoraLedgerError(
      "usage",
      `cannot reach network ${name}${url === undefined ? "" : ` at ${url}`}: ${fix}. Hardhat said: ${message.split("\n")[0]}`,
      "--network",
    );
  }
  if (/HHE\d+: .*network .* (not defined|doesn't exist)/i.test(message)) {
    return new LoraLedgerError(
      "usage",
      `--network ${name}: no such network in hardhat.config.ts (${Object.keys(hre.config.networks).join(", ")})`,
      "--network",
    );
  }
  return error;
}

/**
 * Connects to the chosen network and asks its chain id, so that a missing key or an unreachable node
 * is a usage error here, before any work starts.
 */
export async function connectNetwork(): Promise<ConnectedNetwork> {
  const name = chosenNetworkName();
  try {
    const connection = await network.create();
    const chainId = (await connection.ethers.provider.getNetwork()).chainId;
    return { connection, chainId };
  } catch (error) {
    throw await explainNetworkFailure(error, name);
  }
}

/** Whether the connection is Hardhat's in-process network, which starts empty at every command. */
export function isInProcessNetwork(connection: NetworkConnection): boolean {
  return connection.networkConfig.type === "edr-simulated";
}
