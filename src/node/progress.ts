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
  return {
    step: write,
    done: (message) => write(`done: ${message}`),
    warn: (message) => write(`WARNING: ${message}`),
    snarkjsLogger: () =>
      enabled
        ? {
            debug() {},
            info: (message: string) => write(`  ${message}`),
            warn: (message: string) => write(`  WARNING: ${message}`),
            error: (message: string) => write(`  ERROR: ${message}`),
          }
        : silent,
  };
}

export const noProgress: Progress = stderrProgress("", false);

/** "[##########----------]  50%  16/32": how much of `total` is done, in `width` characters. */
export function progressBar(done: number, total: number, width = 20): string {
  const fraction = total === 0 ? 0 : Math.min(1, done / total);
  const filled = Math.round(fraction * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${done}/${total}`;
}
