// A multi-party phase-2 ceremony for one registered circuit instance (docs/CEREMONY.md). State lives in
// ceremony/<instance>/ (or --dir): numbered zkeys and transcript.json. The r1cs is the instance's build.
//   PTAU=… npm run ceremony -- init INSTANCE
//   npm run ceremony -- contribute INSTANCE --name "Alice"       entropy: CEREMONY_ENTROPY, else asked for
//   PTAU=… npm run ceremony -- verify INSTANCE
//   npm run ceremony -- beacon INSTANCE --hash HEX [--iterations 10]
//   PTAU=… npm run ceremony -- export INSTANCE [--install]
//   npm run ceremony -- transcript INSTANCE
import { createInterface } from "node:readline/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  applyCeremonyBeacon,
  ceremonyDir,
  contributeToCeremony,
  exportCeremony,
  getInstance,
  initCeremony,
  instanceArtifacts,
  readTranscript,
  releaseProverThreads,
  stderrProgress,
  verifyCeremony,
} from "../src/node/index.js";

const USAGE =
  "usage: npm run ceremony -- init|contribute|verify|beacon|export|transcript INSTANCE [options] (docs/CEREMONY.md)";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: "string" },
    name: { type: "string" },
    hash: { type: "string" },
    iterations: { type: "string", default: "10" },
    install: { type: "boolean", default: false },
  },
});
const [command, instanceName] = positionals;

function ptauFile(): string {
  const ptau = process.env.PTAU;
  if (ptau === undefined || ptau === "") throw new Error("set PTAU to the prepared powers-of-tau file");
  return path.resolve(ptau);
}

/** Entropy from the environment or typed by the participant; never stored, never echoed to the transcript. */
async function participantEntropy(): Promise<string> {
  const fromEnvironment = process.env.CEREMONY_ENTROPY;
  if (fromEnvironment !== undefined && fromEnvironment !== "") return fromEnvironment;
  if (!process.stdin.isTTY) throw new Error("set CEREMONY_ENTROPY or run in a terminal to type your entropy");
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question("Type random text (your entropy; it is never stored): ");
  } finally {
    prompt.close();
  }
}

const progress = stderrProgress("ceremony");
try {
  if (command === undefined || instanceName === undefined) throw new Error(USAGE);
  const instance = getInstance(instanceName);
  const dir = path.resolve(values.dir ?? ceremonyDir(instance.name));
  const r1cs = instanceArtifacts(instance.name).r1cs;
  switch (command) {
    case "init":
      await initCeremony({ dir, instance: instance.name, r1cs, ptau: ptauFile(), progress });
      progress.done(`ceremony of ${instance.name} started in ${dir}`);
      break;
    case "contribute": {
      if (values.name === undefined) throw new Error("contribute needs --name");
      const entry = await contributeToCeremony(dir, values.name, await participantEntropy(), progress);
      console.log(`contribution #${entry.index} (${entry.name}): publish this hash\n${entry.contributionHash}`);
      break;
    }
    case "verify": {
      const result = await verifyCeremony(dir, r1cs, ptauFile());
      for (const entry of result.chain) console.log(`#${entry.index} ${entry.name}: ${entry.contributionHash}`);
      if (!result.valid) {
        console.log(`REFUSED:\n  ${result.problems.join("\n  ")}`);
        process.exitCode = 1;
      } else
        console.log(
          `ceremony of ${instance.name}: ${result.chain.length} contributions verified (${result.seconds.toFixed(1)} s)`,
        );
      break;
    }
    case "beacon": {
      if (values.hash === undefined) throw new Error("beacon needs --hash (a public random value fixed in advance)");
      const entry = await applyCeremonyBeacon(dir, values.hash, Number(values.iterations), progress);
      console.log(`beacon #${entry.index}: ${entry.contributionHash}`);
      break;
    }
    case "export":
      await exportCeremony(dir, r1cs, ptauFile(), values.install, progress);
      break;
    case "transcript":
      console.log(JSON.stringify(readTranscript(dir), null, 2));
      break;
    default:
      throw new Error(USAGE);
  }
} catch (error) {
  process.stderr.write(`ceremony: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await releaseProverThreads();
}
