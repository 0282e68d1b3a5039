import type { Logger } from "snarkjs";

/** Progress goes to stderr so that commands can keep stdout for their JSON answer. */
export interface Progress {
  step(message: string): void;
  done(message: string): void;
  warn(message: string): void;
  /** A snarkjs logger that forwards its progress lines ("... 3/10") to this progress. */
  snarkjsLogger(): Logger;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function stderrProgress(prefix: string, enabled = true): Progress {
  const started = Date.now();
  const write = (message: string): void => {
    if (!enabled) return;
    const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${prefix} ${seconds}s] ${message}\n`);
  };
  // snarkjs logs hashes as a framed block of hex lines: one line of progress is enough.
  const oneLine = (message: string): string =>
    message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .join(" ");
  return {
    step: write,
    done: (message) => write(`done: ${message}`),
    warn: (message) => write(`WARNING: ${message}`),
    snarkjsLogger: () =>
      enabled
        ? {
            debug() {},
            info: (message: string) => write(`  ${oneLine(message)}`),
            warn: (message: string) => write(`  WARNING: ${oneLine(message)}`),
            error: (message: string) => write(`  ERROR: ${oneLine(message)}`),
          }
        : silent,
  };
}

export const noProgress: Progress = stderrProgress("", false);

/**
 * Runs `work` with whatever it writes on stdout sent to stderr instead: the compiler's blank lines and
 * notes are progress, and stdout is kept for the answer.
 */
export async function withStdoutOnStderr<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}
