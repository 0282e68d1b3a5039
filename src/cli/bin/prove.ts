/**
 * tsx src/cli/bin/prove.ts [--out FILE] [--quiet] < step.json > proof.json
 * Reads one JSON document on stdin, writes the proof answer (or an error answer) on stdout. See
 * README.md, "Commands".
 */
import { EXIT_CODES } from "../exitCodes.js";
import { stderrProgress } from "../../node/index.js";
import { parseJsonDocument, rethrowUpstreamFailure } from "../commands/json.js";
import { proveDocument } from "../commands/prove/index.js";
import { AtomicOutput, readStdin, runCommand } from "../commands/run.js";
import { parseCliArgs } from "../args.js";

await runCommand({
  command: "prove",
  errorAnswer: (error) => ({ success: false, error }),
  body: async ({ setOutput }) => {
    const { values } = parseCliArgs("prove", { out: { type: "string" }, quiet: { type: "boolean" } });
    if (values.out !== undefined) setOutput(new AtomicOutput(values.out));
    const progress = stderrProgress("prove", values.quiet !== true);
    const document = parseJsonDocument(await readStdin());
    rethrowUpstreamFailure(document, "prove");
    return { answer: await proveDocument(document, progress), exitCode: EXIT_CODES.ok };
  },
});
