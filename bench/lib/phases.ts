/**
 * The benchmark runs every measured phase (compile, setup, build, prove) in a child process, so that its
 * peak memory is its own: `node --import tsx bench/phase.ts <phase> ...`, under
 * `/usr/bin/time -v` when present. The child writes its result as JSON to the file named by
 * BENCH_RESULT_FILE; the schemas below are that contract.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../../src/node/index.js";

export const PHASE_SCRIPT = path.join(PROJECT_ROOT, "bench", "phase.ts");
export const RESULT_FILE_ENV = "BENCH_RESULT_FILE";
const GNU_TIME = "/usr/bin/time";

const circuitInfoSchema = z.object({
  constraints: z.number(),
  wires: z.number(),
  publicInputs: z.number(),
  privateInputs: z.number(),
  outputs: z.number(),
  power: z.number(),
});
export type CircuitInfo = z.infer<typeof circuitInfoSchema>;

export const compileResultSchema = z.object({
  phase: z.literal("compile"),
  seconds: z.number(),
  circuit: circuitInfoSchema,
  files: z.record(z.string(), z.number()),
  selfMaxRssKiB: z.number(),
});

export const setupResultSchema = z.object({
  phase: z.literal("setup"),
  seconds: z.number(),
  newZkeySeconds: z.number(),
  beaconSeconds: z.number(),
  exportSeconds: z.number(),
  ptau: z.string(),
  power: z.number(),
  files: z.record(z.string(), z.number()),
  selfMaxRssKiB: z.number(),
});

export const buildResultSchema = z.object({
  phase: z.literal("build"),
  rebuilt: z.boolean(),
  seconds: z.number(),
  manifest: z.object({
    constraints: z.number(),
    wires: z.number(),
    publicInputs: z.number(),
    privateInputs: z.number(),
    power: z.number(),
    ptau: z.string(),
    compileSeconds: z.number(),
    setupSeconds: z.number(),
  }),
  files: z.record(z.string(), z.number()),
  selfMaxRssKiB: z.number(),
});

export const proveResultSchema = z.object({
  phase: z.literal("prove"),
  reference: z.string(),
  referenceSeconds: z.number(),
  witnessSeconds: z.array(z.number()),
  provingSeconds: z.array(z.number()),
  verifySeconds: z.array(z.number()),
  verified: z.boolean(),
  proofCoordinates: z.object({ g1: z.number(), g2: z.number() }),
  publicSignals: z.number(),
  loss: z.number().nullable(),
  selfMaxRssKiB: z.number(),
});

export type CompileResult = z.infer<typeof compileResultSchema>;
export type SetupResult = z.infer<typeof setupResultSchema>;
export type BuildResult = z.infer<typeof buildResultSchema>;
export type ProveResult = z.infer<typeof proveResultSchema>;

/** Peak resident memory of a phase's process tree. */
export interface PeakMemory {
  /**
   * Max RSS over the phase process and every descendant it waited for (GNU time's "Maximum resident
   * set size": Linux reports the largest single process of the tree, not a sum), in KiB; undefined
   * without /usr/bin/time.
   */
  treeMaxRssKiB: number | undefined;
  /** process.resourceUsage().maxRSS of the phase's node process at exit (covers its worker threads), KiB */
  selfMaxRssKiB: number;
  /** which process the peak belongs to */
  peakProcess: "phase node process" | "a child process (circom2 for compile)";
  /** the number to report: the tree max when known, else the node process's own */
  peakKiB: number;
  /** wall time as GNU time saw it, including node and tsx start-up */
  wallSeconds: number;
  /** 1-minute load average when the phase started and ended (others may share the machine) */
  loadAverage: { start: number; end: number };
}

export interface PhaseRun<T> {
  result: T;
  memory: PeakMemory;
}

export function gnuTimeAvailable(): boolean {
  return existsSync(GNU_TIME);
}

function parseGnuTime(text: string): number | undefined {
  const match = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Runs one phase in a child process and parses its result with `schema`; its stderr (progress) passes through. */
export async function runPhase<T extends { selfMaxRssKiB: number }>(
  schema: z.ZodType<T>,
  args: readonly string[],
  environment: NodeJS.ProcessEnv = {},
): Promise<PhaseRun<T>> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "lora-bench-"));
  const resultFile = path.join(scratch, "result.json");
  const timeFile = path.join(scratch, "time.txt");
  const nodeArgs = [process.execPath, "--import", "tsx", PHASE_SCRIPT, ...args];
  const useTime = gnuTimeAvailable();
  const [command, ...commandArgs] = useTime ? [GNU_TIME, "-v", "-o", timeFile, ...nodeArgs] : nodeArgs;
  if (command === undefined) throw new Error("no command");
  const loadStart = os.loadavg()[0] ?? 0;
  const started = performance.now();
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(command, commandArgs, {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, ...environment, [RESULT_FILE_ENV]: resultFile },
      });
      child.on("error", reject);
      child.on("close", (exitCode) => resolve(exitCode ?? 1));
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0 || !existsSync(resultFile))
      // Paths relative to the repository: the message lands in BENCHMARKS.md, read on other machines.
      throw new Error(
        `benchmark phase "${args.map((arg) => (path.isAbsolute(arg) ? path.relative(PROJECT_ROOT, arg) : arg)).join(" ")}" failed (exit code ${code})`,
      );
    const result = schema.parse(JSON.parse(readFileSync(resultFile, "utf8")));
    const treeMaxRssKiB = useTime && existsSync(timeFile) ? parseGnuTime(readFileSync(timeFile, "utf8")) : undefined;
    const peakKiB = Math.max(treeMaxRssKiB ?? 0, result.selfMaxRssKiB);
    return {
      result,
      memory: {
        treeMaxRssKiB,
        selfMaxRssKiB: result.selfMaxRssKiB,
        // GNU time rounds nothing, but the node process's own figure comes a moment before exit: allow 2%.
        peakProcess:
          treeMaxRssKiB !== undefined && treeMaxRssKiB > result.selfMaxRssKiB * 1.02
            ? "a child process (circom2 for compile)"
            : "phase node process",
        peakKiB,
        wallSeconds,
        loadAverage: { start: loadStart, end: os.loadavg()[0] ?? 0 },
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}
