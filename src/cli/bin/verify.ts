/**
 * tsx src/cli/bin/verify.ts [--quiet] < proof.json
 * Reads one JSON document on stdin (the output of prove is accepted as is), answers whether the
 * proof verifies: exit 0 when valid, 10 when not. See README.md, "Commands".
 */
import { EXIT_CODES } from "../exitCodes.js";
import { stderrProgress } from "../../node/index.js";
import { parseJsonDocument, rethrowUpstreamFailure } from "../commands/json.js";
import { readStdin, runCommand } from "../commands/run.js";
import { verifyDocument } from "../commands/verify.js";
import { parseCliArgs } from "../args.js";

await runCommand({
  command: "verify",
  errorAnswer: (error) => ({ valid: false, reason: error.message, error }),
  body: async () => {
    const { values } = parseCliArgs("verify", { quiet: { type: "boolean" } });
    const progress = stderrProgress("verify", values.quiet !== true);
    const document = parseJsonDocument(await readStdin());
    rethrowUpstreamFailure(document, "verify");
    const answer = await verifyDocument(document, progress);
    return { answer, exitCode: answer.valid ? EXIT_CODES.ok : EXIT_CODES.invalid_proof };
  },
});
