/**
 * `prove`: one JSON document (statement + witness) in, a Groth16 proof of the step out; or, when the
 * instance is a LoraMerge instance, of the merge (PROTOCOL §9: the exact merged weights of an adapter);
 * or of one of protocol version 2's statements (§11–§13), by the instance's template.
 *
 * Checks run in this order, each class with its exit code (src/cli/exitCodes.ts): malformed JSON (2),
 * missing or mistyped field (3), unknown instance (7: shapes come from the instance, so it is
 * resolved before them), wrong shape (4), value out of range or field element >= p (5), adapters
 * after not one step from before (6), statement not matching the witness (8), artifacts missing (9).
 */

import { noProgress, type Progress } from "../../../node/index.js";
import { documentTemplate } from "../values.js";
import type { MergeProveAnswer, ProveAnswer, RunProveAnswer } from "./answers.js";
import { proveCheckpointDocument } from "./checkpoint.js";
import { proveMergeDocument } from "./merge.js";
import { provePublicStatementDocument } from "./publicStatements.js";
import { proveStepDocument } from "./step.js";

export type * from "./answers.js";
export { prepareCheckpoint, proveCheckpointDocument } from "./checkpoint.js";
export { prepareMerge, proveMergeDocument } from "./merge.js";
export { prepareMergeBlock, prepareProjectionBlock, prepareRunStart } from "./publicStatements.js";
export { prepareStep, proveStepDocument } from "./step.js";

/**
 * Checks a prove document and proves it, by its instance's template: a step (version 1, and any
 * document whose instance is unknown, which its checks report), a merge, or one of version 2's
 * checkpoint, run start, projection block and merge block.
 */
export async function proveDocument(
  document: unknown,
  progress: Progress = noProgress,
): Promise<ProveAnswer | MergeProveAnswer | RunProveAnswer> {
  const template = documentTemplate(document);
  switch (template) {
    case "LoraMerge":
      return proveMergeDocument(document, progress);
    case "LoraCheckpoint":
      return proveCheckpointDocument(document, progress);
    case "LoraRunStart":
    case "BaseProjectionBlock":
    case "LoraMergeBlock":
      return provePublicStatementDocument(template, document, progress);
    case "LoraStep":
    case undefined:
      return proveStepDocument(document, progress);
  }
}
