/**
 * `prove`: one JSON document (statement + witness) in, a Groth16 proof of the step out; or, when the
 * instance is a LoraMerge instance, of the merge (PROTOCOL §9: the exact merged weights of an adapter).
 *
 * Checks run in this order, each class with its exit code (src/cli/exitCodes.ts): malformed JSON (2),
 * missing or mistyped field (3), unknown instance (7: shapes come from the instance, so it is
 * resolved before them), wrong shape (4), value out of range or field element >= p (5), adapters
 * after not one step from before (6), statement not matching the witness (8), artifacts missing (9).
 */

import { noProgress, type Progress } from "../../../node/index.js";
import { isMergeDocument } from "../values.js";
import type { MergeProveAnswer, ProveAnswer } from "./answers.js";
import { proveMergeDocument } from "./merge.js";
import { proveStepDocument } from "./step.js";

export type * from "./answers.js";
export { prepareMerge, proveMergeDocument } from "./merge.js";
export { prepareStep, proveStepDocument } from "./step.js";

/** Checks a prove document and proves it: a step, or a merge when the instance is a LoraMerge instance. */
export async function proveDocument(
  document: unknown,
  progress: Progress = noProgress,
): Promise<ProveAnswer | MergeProveAnswer> {
  return isMergeDocument(document) ? proveMergeDocument(document, progress) : proveStepDocument(document, progress);
}
