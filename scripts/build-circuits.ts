// Compiles circuit instances and runs their Groth16 development setup.
//   npx tsx scripts/build-circuits.ts                 instances built by default
//   npx tsx scripts/build-circuits.ts NAME [NAME...]  those instances
//   npx tsx scripts/build-circuits.ts --all [--force]
import { buildInstance, getInstance, loadInstances, stderrProgress, releaseProverThreads } from "../src/node/index.js";

const args = process.argv.slice(2);
const force = args.includes("--force");
const names = args.filter((arg) => !arg.startsWith("--"));
const instances = args.includes("--all")
  ? loadInstances().instances
  : names.length > 0
    ? names.map(getInstance)
    : loadInstances().instances.filter((instance) => instance.buildByDefault);

const progress = stderrProgress("build");
try {
  for (const instance of instances) await buildInstance(instance, progress, force);
} catch (error) {
  process.stderr.write(`build failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await releaseProverThreads();
}
