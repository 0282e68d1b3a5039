// The proving queue on Redis, per run: jobs queued, active, done and failed, with a progress bar, and the
// failed jobs' reasons.
//   npm run queue:status -- --redis redis://HOST:PORT [--watch SECONDS]
import { parseCliArgs, toFailure } from "../src/cli/index.js";
import { LoraLedgerError } from "../src/protocol/index.js";
import { queueStatus, redactedUrl, type RunJobCounts } from "../src/proving/index.js";
import { progressBar } from "../src/node/index.js";

function render(url: string, runs: readonly RunJobCounts[]): string {
  const lines = [`proving queue on ${redactedUrl(url)}, ${new Date().toISOString()}`];
  if (runs.length === 0) lines.push("  no jobs");
  for (const { run, counts, failures } of runs) {
    const total = counts.waiting + counts.active + counts.completed + counts.failed;
    lines.push(
      `  ${run}`,
      `    ${progressBar(counts.completed, total, 30)}  queued ${counts.waiting}, active ${counts.active}, done ${counts.completed}, failed ${counts.failed}`,
      ...failures.map((failure) => `    FAILED ${failure.label}: ${failure.reason}`),
    );
  }
  return lines.join("\n");
}

try {
  const { values } = parseCliArgs("queue:status", { redis: { type: "string" }, watch: { type: "string" } });
  const url = values.redis ?? process.env.LORA_QUEUE;
  if (url === undefined || url === "") {
    throw new LoraLedgerError(
      "missing_field",
      "queue:status: --redis redis://HOST:PORT is required (or LORA_QUEUE)",
      "--redis",
    );
  }
  const watch = values.watch === undefined ? undefined : Number(values.watch);
  if (watch !== undefined && !(watch > 0)) {
    throw new LoraLedgerError("missing_field", `--watch takes a number of seconds, not ${values.watch}`, "--watch");
  }
  for (;;) {
    const text = render(url, await queueStatus(url));
    process.stdout.write(watch === undefined ? `${text}\n` : `\x1b[2J\x1b[H${text}\n`);
    if (watch === undefined) break;
    await new Promise((resolve) => setTimeout(resolve, watch * 1000));
  }
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`queue:status failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
