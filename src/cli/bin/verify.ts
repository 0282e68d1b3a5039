/**
 * tsx src/cli/bin/verify.ts [--quiet] [--rpc URL --registry ADDRESS] < proof.json
 * Reads one JSON document on stdin (the output of prove is accepted as is), answers whether the
 * proof verifies: exit 0 when valid, 10 when not. With --rpc and --registry, the verification key is
 * the one of the verifier the registry records for the instance, decoded from its code (the chain
 * alone; docs/CEREMONY.md §4). See README.md, "Commands".
 */
import { JsonRpcProvider } from "ethers";
import { LoraLedgerRegistryV2__factory } from "../../../types/ethers-contracts/index.js";
import { circuitIdOf, deployedVerificationKey } from "../../chain/index.js";
import { LoraLedgerError } from "../../protocol/index.js";
import { EXIT_CODES } from "../exitCodes.js";
import { stderrProgress } from "../../node/index.js";
import { parseJsonDocument, rethrowUpstreamFailure } from "../commands/json.js";
import { readStdin, runCommand } from "../commands/run.js";
import { verifyDocument, type VerificationKeySource } from "../commands/verify.js";
import { parseCliArgs } from "../args.js";

/** The deployed verifier's key of an instance, through a JSON-RPC node and the registry's address. */
function chainKeySource(rpc: string, registryAddress: string): VerificationKeySource {
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
  const registry = LoraLedgerRegistryV2__factory.connect(registryAddress, provider);
  return async (instanceName) => {
    try {
      return await deployedVerificationKey(registry, provider, circuitIdOf(instanceName));
    } finally {
      provider.destroy();
    }
  };
}

await runCommand({
  command: "verify",
  errorAnswer: (error) => ({ valid: false, reason: error.message, error }),
  body: async () => {
    const { values } = parseCliArgs("verify", {
      quiet: { type: "boolean" },
      rpc: { type: "string" },
      registry: { type: "string" },
    });
    if ((values.rpc === undefined) !== (values.registry === undefined))
      throw new LoraLedgerError("usage", "verify: --rpc and --registry go together", "arguments");
    const progress = stderrProgress("verify", values.quiet !== true);
    const chainKey =
      values.rpc !== undefined && values.registry !== undefined
        ? chainKeySource(values.rpc, values.registry)
        : undefined;
    const document = parseJsonDocument(await readStdin());
    rethrowUpstreamFailure(document, "verify");
    const answer = await verifyDocument(document, progress, chainKey);
    return { answer, exitCode: answer.valid ? EXIT_CODES.ok : EXIT_CODES.invalid_proof };
  },
});
