/** A proving job (src/proving) proven with the `prove` command's logic: what workers and the in-process pool run. */
import { LoraLedgerError } from "../protocol/index.js";
import { noProgress, type Progress } from "../node/index.js";
import { checkArtifacts, type ProvingJob } from "../proving/index.js";
import { proveDocument, type MergeProveAnswer, type ProveAnswer, type RunProveAnswer } from "./commands/prove/index.js";

/**
 * Checks that this machine's artifacts of the job's instance have the submitter's hashes (refusing the
 * job, naming both, when they differ), then checks and proves its document as `prove` does; the answer
 * is `prove`'s, and a bad document fails with `prove`'s error class.
 */
export async function proveJob(
  job: ProvingJob,
  where: string,
  progress: Progress = noProgress,
): Promise<ProveAnswer | MergeProveAnswer | RunProveAnswer> {
  if (job.document.instance !== job.instance) {
    throw new LoraLedgerError(
      "statement_mismatch",
      `the job names instance ${job.instance} but its document names ${String(job.document.instance)}`,
      "instance",
    );
  }
  checkArtifacts(job.instance, job.artifacts, where);
  return proveDocument(job.document, progress);
}
