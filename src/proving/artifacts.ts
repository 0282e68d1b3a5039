/**
 * Artifacts (zkey, wasm) are found by instance name on each machine and checked by hash before a proof:
 * a worker built from a different setup would make proofs the chain's verifier rejects, after the work.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { LoraLedgerError } from "../protocol/index.js";
import { instanceArtifacts } from "../node/index.js";

/** sha256 (hex) of an instance's proving key and witness generator. */
export interface ArtifactHashes {
  zkey: string;
  wasm: string;
}

const cache = new Map<string, { stamp: string; hash: string }>();

/** A file's sha256, recomputed only when its size or modification time changed (a zkey can be large). */
function fileHash(file: string): string {
  const stat = statSync(file);
  const stamp = `${stat.size}:${stat.mtimeMs}`;
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.hash;
  const hash = createHash("sha256").update(readFileSync(file)).digest("hex");
  cache.set(file, { stamp, hash });
  return hash;
}

/** The hashes of the instance's artifacts on this machine (artifacts_missing when it is not built). */
export function artifactHashes(instanceName: string): ArtifactHashes {
  const { zkey, wasm } = instanceArtifacts(instanceName);
  for (const file of [zkey, wasm]) {
    if (!existsSync(file)) {
      throw new LoraLedgerError(
        "artifacts_missing",
        `instance ${instanceName} is not built on this machine: build it with \`npm run build:circuits -- ${instanceName}\` (from the same powers of tau and setup as the submitter's)`,
        "instance",
      );
    }
  }
  return { zkey: fileHash(zkey), wasm: fileHash(wasm) };
}

/** Refuses to prove with artifacts other than the job's: which file, the hash expected and the hash found. */
export function checkArtifacts(instanceName: string, expected: ArtifactHashes, where: string): void {
  const found = artifactHashes(instanceName);
  const differing = (["zkey", "wasm"] as const).filter((kind) => found[kind] !== expected[kind]);
  if (differing.length === 0) return;
  throw new LoraLedgerError(
    "artifacts_missing",
    `${where} refuses the job: its ${differing.join(" and ")} of instance ${instanceName} ${differing.length === 1 ? "differs" : "differ"} from the submitter's (${differing
      .map((kind) => `${kind} sha256 expected ${expected[kind]}, found ${found[kind]}`)
      .join("; ")}): copy the submitter's build/circuits/${instanceName} to this machine`,
    "instance",
  );
}
