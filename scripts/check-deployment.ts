// Compares, for a network, each verifier the registry registered with the verification key this
// checkout holds for its instance (build/circuits/<instance>/verification_key.json), by decoding the key
// from the deployed code. Exit 13 (key_mismatch) names the instance, network and differing coordinates.
//   npx hardhat run scripts/check-deployment.ts --network sepolia      (or: npm run check-deployment -- --network X)
import { EXIT_CODES, toFailure } from "../src/cli/index.js";
import { checkDeployment, connectNetwork, isInProcessNetwork, resolveRegistry } from "../src/hardhat/index.js";
import { stderrProgress } from "../src/node/index.js";

const progress = stderrProgress("check-deployment");
try {
  const { connection, chainId } = await connectNetwork();
  if (isInProcessNetwork(connection))
    progress.warn("no --network: checking a fresh deployment on the in-process network (a self-check of the build)");
  const registry = await resolveRegistry(connection, chainId, progress);
  progress.step(`registry ${await registry.getAddress()} on ${connection.networkName} (chain ${chainId})`);
  const checks = await checkDeployment(connection, registry);
  for (const check of checks) console.log(`${check.status === "ok" ? "ok  " : "FAIL"} ${check.message}`);
  const failed = checks.filter((check) => check.status !== "ok");
  if (checks.length === 0) progress.warn("the registry has registered no verifier");
  if (failed.some((check) => check.status === "key_mismatch")) process.exitCode = EXIT_CODES.key_mismatch;
  else if (failed.length > 0) process.exitCode = EXIT_CODES.artifacts_missing;
  else progress.done(`${checks.length} verifier(s) hold the keys this checkout holds`);
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`check-deployment: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
