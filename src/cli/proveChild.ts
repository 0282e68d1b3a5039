/**
 * A prover process of the pool of processes (src/proving's ChildProcessPool): proves each job message as
 * `proveJob` does and answers with the `prove` answer, or the error's class and message.
 */
import { fileURLToPath } from "node:url";
import { classifyError } from "../protocol/index.js";
import { releaseProverThreads } from "../node/index.js";
import type { ChildAnswer, ProvingJob } from "../proving/index.js";
import { proveJob } from "./proveJob.js";

/** The file ChildProcessPool forks. */
export const PROVE_CHILD_ENTRY = fileURLToPath(import.meta.url);

if (process.send !== undefined && process.argv[1] === PROVE_CHILD_ENTRY) {
  const send = (answer: ChildAnswer): void => void process.send?.(answer);
  process.on("message", (message: { id: number; job: ProvingJob }) => {
    proveJob(message.job, `prover process ${process.pid}`).then(
      (answer) => send({ id: message.id, answer }),
      (error: unknown) => {
        const classified = classifyError(error);
        send({
          id: message.id,
          error: {
            code: classified?.code,
            message: error instanceof Error ? error.message : String(error),
            field: classified?.field,
          },
        });
      },
    );
  });
  const stop = (): void => void releaseProverThreads().then(() => process.exit(0));
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);
}
