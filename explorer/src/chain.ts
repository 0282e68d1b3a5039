/**
 * Reaching the node and the version-2 registry (LoraLedgerRegistryV2) recorded for its chain, and the
 * few reads of the registry the query SDK (src/chain) has no function for: the page's own lists of
 * registrations, verifiers and projections, a run's lineage with its verifiers, and the events that
 * recorded an adapter, a start or a merge.
 */
import { JsonRpcProvider, Network } from "ethers";
import { LoraLedgerRegistryV2__factory, type LoraLedgerRegistryV2 } from "../../types/ethers-contracts/index.js";
import {
  circuitIdOf,
  instanceOfCircuitId,
  projectionStatus,
  REGISTRY_V2_FUTURE_ID,
  runLineage,
  type CheckingVerifier,
  type ProjectionStatus,
  type RunSummary,
} from "../../src/chain/index.js";
import { ActionableError } from "./errors.js";
import type { InstanceInfo, LedgerData } from "./ledgerData.js";

export interface Connection {
  url: string;
  chainId: bigint;
  provider: JsonRpcProvider;
  registry: LoraLedgerRegistryV2;
  registryAddress: string;
  deploymentFile: string;
  deploymentBlock: bigint;
  blockNumber: number;
}

const DEPLOY_COMMAND = "npx hardhat ignition deploy deploy/modules/LoraLedger.ts --network localhost";

/** One raw JSON-RPC call with a timeout, so an unreachable URL fails fast instead of retrying forever. */
async function rpcCall(url: string, method: string, timeoutMs: number): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
    if (body.error !== undefined) throw new Error(body.error.message ?? JSON.stringify(body.error));
    return body.result;
  } finally {
    clearTimeout(timer);
  }
}

export async function connect(url: string, data: LedgerData, expectedChain: bigint | undefined): Promise<Connection> {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (!["http:", "https:"].includes(parsed.protocol)) throw new Error("not http(s)");
  } catch {
    throw new ActionableError(
      "Not a JSON-RPC URL",
      `"${url}" is not an http(s) URL.`,
      "Enter the node's URL, e.g. http://127.0.0.1:8545.",
    );
  }
  let chainHex: unknown;
  try {
    chainHex = await rpcCall(url, "eth_chainId", 6000);
  } catch (error) {
    const reason = (error as Error).name === "AbortError" ? "no answer within 6 s" : (error as Error).message;
    throw new ActionableError(
      "JSON-RPC unreachable",
      `No answer from ${url} (${reason}).`,
      "Start a node with `npx hardhat node` (it listens on http://127.0.0.1:8545), or enter the URL of a running node above.",
    );
  }
  if (typeof chainHex !== "string")
    throw new ActionableError(
      "Not an Ethereum node",
      `${url} answered eth_chainId with ${JSON.stringify(chainHex)}.`,
      "Check the URL.",
    );
  const chainId = BigInt(chainHex);
  if (expectedChain !== undefined && expectedChain !== chainId) {
    throw new ActionableError(
      "Wrong chain",
      `${url} serves chain ${chainId}, but the page was asked for chain ${expectedChain} (?chain=${expectedChain}).`,
      "Point the JSON-RPC URL at a node of that chain, or drop ?chain= from the address.",
    );
  }
  const deployment = data.deployments[String(chainId)];
  const recorded = Object.keys(data.deployments);
  const elsewhere =
    recorded.length > 0
      ? ` Deployments are recorded for chain${recorded.length > 1 ? "s" : ""} ${recorded.join(", ")}: is this the node you meant?`
      : "";
  const registryAddress = deployment?.addresses[REGISTRY_V2_FUTURE_ID];
  if (deployment === undefined || registryAddress === undefined) {
    throw new ActionableError(
      `No deployment recorded for chain ${chainId}`,
      `The project has no record of the registry on chain ${chainId} (deploy/deployments/chain-${chainId}/deployed_addresses.json, key ${REGISTRY_V2_FUTURE_ID}).${elsewhere}`,
      `Deploy it: \`${DEPLOY_COMMAND}\``,
    );
  }
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(url, network, { staticNetwork: network, batchMaxCount: 20 });
  const code = await provider.getCode(registryAddress);
  if (code === "0x") {
    provider.destroy();
    throw new ActionableError(
      `No registry at the recorded address on chain ${chainId}`,
      `${deployment.file} says the registry is at ${registryAddress}, but there is no contract there: the node was restarted since that deployment, or it is another chain with the same id.`,
      `Remove \`deploy/deployments/chain-${chainId}\` and deploy again: \`${DEPLOY_COMMAND}\``,
    );
  }
  const registry = LoraLedgerRegistryV2__factory.connect(registryAddress, provider);
  const [deploymentBlock, blockNumber] = await Promise.all([registry.deploymentBlock(), provider.getBlockNumber()]);
  return {
    url,
    chainId,
    provider,
    registry,
    registryAddress,
    deploymentFile: deployment.file,
    deploymentBlock,
    blockNumber,
  };
}

/** A uri a publisher says the weights or examples are at (free text: the registry does not check it). */
export interface PublishedUri {
  publisher: string;
  uri: string;
}

/** A registration: its root was computed by the registry from the tree root and the count, so the count is a fact. */
interface Registration {
  registrant: string;
  treeRoot: bigint;
  /** the registrant's uri ("" when none) */
  uri: string;
  /** every other publisher's uri, in the order they first published */
  otherUris: PublishedUri[];
  blockNumber: number;
  transactionHash: string;
}

export interface BaseModelEntry extends Registration {
  baseRoot: bigint;
  /** the number of column blocks W0 is committed in */
  blocks: bigint;
}

export interface DatasetEntry extends Registration {
  datasetRoot: bigint;
  /** the number of examples */
  size: bigint;
}

/** Each root's publishers (by lowercase address) and their current uri: a publisher may publish again, the last event wins. */
function urisByRoot<Event extends { args: { publisher: string; uri: string } }>(
  events: readonly Event[],
  rootOf: (event: Event) => bigint,
): Map<bigint, Map<string, PublishedUri>> {
  const byRoot = new Map<bigint, Map<string, PublishedUri>>();
  for (const event of events) {
    const publishers = byRoot.get(rootOf(event)) ?? new Map<string, PublishedUri>();
    const { publisher, uri } = event.args;
    publishers.set(publisher.toLowerCase(), { publisher, uri });
    byRoot.set(rootOf(event), publishers);
  }
  return byRoot;
}

function registrationUris(
  publishers: ReadonlyMap<string, PublishedUri> | undefined,
  registrant: string,
): Pick<Registration, "uri" | "otherUris"> {
  const own = registrant.toLowerCase();
  return {
    uri: publishers?.get(own)?.uri ?? "",
    otherUris: [...(publishers?.entries() ?? [])].filter(([publisher]) => publisher !== own).map(([, entry]) => entry),
  };
}

/** The registered base models (BaseModelRegistered) with every publisher's uri (BaseModelUriPublished). */
export async function baseModels(connection: Connection): Promise<BaseModelEntry[]> {
  const { registry } = connection;
  const fromBlock = Number(connection.deploymentBlock);
  const [registered, published] = await Promise.all([
    registry.queryFilter(registry.filters.BaseModelRegistered(), fromBlock),
    registry.queryFilter(registry.filters.BaseModelUriPublished(), fromBlock),
  ]);
  const uris = urisByRoot(published, (event) => event.args.baseRoot);
  return registered.map((event) => ({
    baseRoot: event.args.baseRoot,
    registrant: event.args.registrant,
    treeRoot: event.args.treeRoot,
    blocks: event.args.blocks,
    ...registrationUris(uris.get(event.args.baseRoot), event.args.registrant),
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
  }));
}

/** The registered datasets (DatasetRegistered) with every publisher's uri (DatasetUriPublished). */
export async function datasets(connection: Connection): Promise<DatasetEntry[]> {
  const { registry } = connection;
  const fromBlock = Number(connection.deploymentBlock);
  const [registered, published] = await Promise.all([
    registry.queryFilter(registry.filters.DatasetRegistered(), fromBlock),
    registry.queryFilter(registry.filters.DatasetUriPublished(), fromBlock),
  ]);
  const uris = urisByRoot(published, (event) => event.args.datasetRoot);
  return registered.map((event) => ({
    datasetRoot: event.args.datasetRoot,
    registrant: event.args.registrant,
    treeRoot: event.args.treeRoot,
    size: event.args.size,
    ...registrationUris(uris.get(event.args.datasetRoot), event.args.registrant),
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
  }));
}

/** The number of merges the registry recorded (MergeVerified events, every run). */
export async function mergeCount(connection: Connection): Promise<number> {
  const { registry } = connection;
  return (await registry.queryFilter(registry.filters.MergeVerified(), Number(connection.deploymentBlock))).length;
}

/** Where an event was recorded. */
export interface Recorded {
  blockNumber: number;
  transactionHash: string;
}

function recordedBy(event: Recorded | undefined): Recorded | undefined {
  return event === undefined ? undefined : { blockNumber: event.blockNumber, transactionHash: event.transactionHash };
}

/** The RunStarted event of run `runId`: the startRun transaction whose proof started it. */
export async function runStartedIn(connection: Connection, runId: bigint): Promise<Recorded | undefined> {
  const { registry } = connection;
  const events = await registry.queryFilter(registry.filters.RunStarted(runId), Number(connection.deploymentBlock));
  return recordedBy(events[0]);
}

/**
 * Where run `runId`'s adapter after `steps` steps was recorded: its RunStarted event for 0 steps, else
 * the CheckpointVerified event that ended at `steps` (one filtered query: runHistory would read the run).
 */
export async function adapterRecordedIn(
  connection: Connection,
  runId: bigint,
  steps: bigint,
  adapter: bigint,
): Promise<Recorded | undefined> {
  if (steps === 0n) return runStartedIn(connection, runId);
  const { registry } = connection;
  // A filter takes the event's inputs in order, undefined where it does not filter (indexed ones only).
  const events = await registry.queryFilter(
    registry.filters.CheckpointVerified(runId, undefined, undefined, adapter),
    Number(connection.deploymentBlock),
  );
  return recordedBy(events.find((event) => event.args.firstStep + event.args.steps === steps));
}

/** The MergeVerified event that recorded `mergedRoot` for run `runId`'s `adapter`. */
export async function mergeRecordedIn(
  connection: Connection,
  runId: bigint,
  adapter: bigint,
  mergedRoot: bigint,
): Promise<Recorded | undefined> {
  const { registry } = connection;
  const events = await registry.queryFilter(
    registry.filters.MergeVerified(runId, adapter, mergedRoot),
    Number(connection.deploymentBlock),
  );
  return recordedBy(events[0]);
}

/** A verified block of a merge, from its MergeBlockVerified event. */
export interface VerifiedMergeBlock extends Recorded {
  blockIndex: number;
}

/** The verified blocks of the merge of `adapter` with instance `circuitId`, in order. */
export async function mergeBlocks(
  connection: Connection,
  adapter: bigint,
  circuitId: string,
): Promise<VerifiedMergeBlock[]> {
  const { registry } = connection;
  const events = await registry.queryFilter(
    registry.filters.MergeBlockVerified(adapter, circuitId),
    Number(connection.deploymentBlock),
  );
  return events
    .map((event) => ({
      blockIndex: Number(event.args.blockIndex),
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    }))
    .sort((first, second) => first.blockIndex - second.blockIndex);
}

/** The base projection of a (base model, dataset) pair, with the block and transaction that completed it. */
export interface ProjectionEntry extends ProjectionStatus {
  completedIn: Recorded | undefined;
}

/**
 * Every (base model, dataset) pair with a verified projection block, complete or not: the
 * ProjectionCompleted event of a complete one, and how far each instance got (projectionStatus).
 */
export async function projections(connection: Connection): Promise<ProjectionEntry[]> {
  const { registry } = connection;
  const fromBlock = Number(connection.deploymentBlock);
  const [blocks, completions] = await Promise.all([
    registry.queryFilter(registry.filters.ProjectionBlockVerified(), fromBlock),
    registry.queryFilter(registry.filters.ProjectionCompleted(), fromBlock),
  ]);
  const pairKey = (baseRoot: bigint, datasetRoot: bigint): string => `${baseRoot}:${datasetRoot}`;
  const pairs = new Map<string, { baseRoot: bigint; datasetRoot: bigint }>();
  for (const { args } of blocks) pairs.set(pairKey(args.baseRoot, args.datasetRoot), args);
  return Promise.all(
    [...pairs.values()].map(async ({ baseRoot, datasetRoot }) => ({
      ...(await projectionStatus(registry, baseRoot, datasetRoot)),
      // The registry keeps the first completed projection of a pair: its event is the first.
      completedIn: recordedBy(
        completions.find(
          (event) => pairKey(event.args.baseRoot, event.args.datasetRoot) === pairKey(baseRoot, datasetRoot),
        ),
      ),
    })),
  );
}

/** The instance a circuit id names: the registry's id of an instance is circuitIdOf(its name). */
export function instanceOfCircuit(circuitId: string, instances: readonly InstanceInfo[]): InstanceInfo | undefined {
  return instances.find((instance) => circuitIdOf(instance.name) === circuitId.toLowerCase());
}

/** A registered verifier: its record, the instance it names here, and where it was retired, if it was. */
export interface VerifierEntry extends CheckingVerifier {
  kind: number;
  count: number;
  registeredBlock: bigint;
  /** the VerifierRetired event; undefined while the verifier is active */
  retiredIn: Recorded | undefined;
}

/**
 * Every verifier the registry registered (VerifierRegistered), with its record now (verifierOf: retired
 * or not, the registry's own answer) and the VerifierRetired event of a retired one, by circuit id.
 */
export async function verifiers(connection: Connection): Promise<Map<string, VerifierEntry>> {
  const { registry } = connection;
  const fromBlock = Number(connection.deploymentBlock);
  const [registered, retirements] = await Promise.all([
    registry.queryFilter(registry.filters.VerifierRegistered(), fromBlock),
    registry.queryFilter(registry.filters.VerifierRetired(), fromBlock),
  ]);
  const entries = await Promise.all(
    registered.map(async (event): Promise<VerifierEntry> => {
      const circuitId = event.args.circuitId.toLowerCase();
      const record = await registry.verifierOf(circuitId);
      return {
        circuitId,
        instance: instanceOfCircuitId(circuitId),
        verifier: record.verifier,
        retired: record.retired,
        kind: Number(record.kind),
        count: Number(record.count),
        registeredBlock: record.registeredBlock,
        retiredIn: record.retired
          ? recordedBy(retirements.find((retirement) => retirement.args.circuitId.toLowerCase() === circuitId))
          : undefined,
      };
    }),
  );
  return new Map(entries.map((entry) => [entry.circuitId, entry]));
}

/** One run of a lineage: the run, the step count of it the chain continues from, and its checkpoint verifier. */
export interface LineageEntry {
  run: RunSummary;
  /** the run's own head step count for the first entry; else the step count its child started from */
  steps: bigint;
  verifier: CheckingVerifier;
}

/**
 * Run `runId`'s lineage back to its canonical start (runLineage, from each run's parentRunId), each run
 * with its checkpoint verifier as the registry knows it now (verifierOf): the run page's lineage. An
 * adapter's lineage is lineageOf's (adapterProvenance), which starts at the adapter's first producer.
 */
export async function runLineageWithVerifiers(connection: Connection, runId: bigint): Promise<LineageEntry[]> {
  const { registry } = connection;
  const runs = await runLineage(registry, runId);
  return Promise.all(
    runs.map(async (run, index): Promise<LineageEntry> => {
      const child = runs[index - 1];
      const record = await registry.verifierOf(run.checkpointCircuitId);
      return {
        run,
        steps: child?.origin.kind === "parent" ? child.origin.parentSteps : run.nextStep,
        verifier: {
          circuitId: run.checkpointCircuitId,
          instance: instanceOfCircuitId(run.checkpointCircuitId),
          verifier: record.verifier,
          retired: record.retired,
        },
      };
    }),
  );
}
