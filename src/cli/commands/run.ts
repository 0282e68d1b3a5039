/**
 * What the command entry points share: stdin in, one JSON answer on stdout, progress and a one-line
 * error on stderr, an atomic `--out` file, and an exit code from src/cli/exitCodes.ts. snarkjs's worker
 * threads are always released before exiting.
 */

import { existsSync, statSync } from "node:fs";
import { writeFileAtomic, releaseProverThreads } from "../../node/index.js";
import path from "node:path";
import { LoraLedgerError } from "../../protocol/index.js";
import { SIGNAL_EXIT_CODES, toFailure, type ExitCode, type Failure } from "../exitCodes.js";
import { COMMAND_USAGE, helpRequested, type CommandName } from "../usage.js";

export interface ErrorObject {
  code: string;
  exit_code: ExitCode;
  field: string | null;
  message: string;
}

export function errorObject(failure: Failure): ErrorObject {
  return { code: failure.code, exit_code: failure.exitCode, field: failure.field ?? null, message: failure.message };
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("(reading one JSON document from stdin; end it with Ctrl-D)\n");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(text, () => resolve());
  });
}

/** Releases snarkjs's threads and exits with `code` once stdout is flushed. */
export async function exit(code: number): Promise<never> {
  try {
    await releaseProverThreads();
  } finally {
    process.exit(code);
  }
}

/**
 * `--out FILE`: written only when the answer is complete, with writeFileAtomic (a temp file in the
 * same directory and a rename), so FILE is never half-written.
 */
export class AtomicOutput {
  readonly file: string;

  constructor(file: string) {
    // `npm run` runs in the package root; a relative FILE is meant relative to where npm was run.
    this.file = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
    const dir = path.dirname(this.file);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new LoraLedgerError("missing_field", `--out ${file}: the directory ${dir} does not exist`, "--out");
    }
  }

  write(content: string): void {
    writeFileAtomic(this.file, content);
  }
}

/** On SIGINT/SIGTERM: say so on stderr, exit 128 + signal number (nothing on stdout, no --out file). */
export function onInterrupt(command: string): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`${command}: interrupted by ${signal}; nothing was written\n`);
      void exit(SIGNAL_EXIT_CODES[signal]);
    });
  }
}

/** What a command body answers: the JSON on stdout and the exit code. */
export interface CommandResult {
  answer: unknown;
  exitCode: ExitCode;
}

/** What a command body may ask of the runner. */
export interface CommandContext {
  /** also write the answer to this file (atomically), once it is complete */
  readonly setOutput: (output: AtomicOutput) => void;
}

/**
 * Runs a command body: its answer goes to stdout (and the --out file), any error becomes the JSON
 * error answer, a one-line stderr message and the error's exit code.
 */
export async function runCommand(options: {
  command: CommandName;
  body: (context: CommandContext) => Promise<CommandResult> | CommandResult;
  errorAnswer: (error: ErrorObject) => unknown;
}): Promise<never> {
  let output: AtomicOutput | undefined;
  if (helpRequested()) {
    await writeStdout(COMMAND_USAGE[options.command]);
    return exit(0);
  }
  onInterrupt(options.command);
  try {
    const { answer, exitCode } = await options.body({
      setOutput: (chosen) => {
        output = chosen;
      },
    });
    const text = toJson(answer);
    output?.write(text);
    await writeStdout(text);
    return await exit(exitCode);
  } catch (caught) {
    const failure = toFailure(caught);
    const object = errorObject(failure);
    await writeStdout(toJson(options.errorAnswer(object)));
    process.stderr.write(
      `${options.command}: error ${object.exit_code} (${object.code}): ${failure.message.split("\n")[0]}\n`,
    );
    return exit(failure.exitCode);
  }
}
