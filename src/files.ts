import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const pendingTemporaries = new Set<string>();
let cleanupInstalled = false;

/** Removes temporary files of writes that a signal interrupted, then lets the signal end the process. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const file of pendingTemporaries) rmSync(file, { force: true });
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Writes through a temporary file in the same folder and a rename, so that a reader (or a killed
 * writer) never sees half a file: the target holds either the old content or the new.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  installCleanup();
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  pendingTemporaries.add(temporary);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
    pendingTemporaries.delete(temporary);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}

export function readJsonIfExists(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as unknown) : undefined;
}
