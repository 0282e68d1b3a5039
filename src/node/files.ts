import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes through a temporary file in the same folder and a rename, so that a reader (or a killed
 * writer) never sees half a file: the target holds either the old content or the new. It is
 * synchronous, so no signal handler can run between the write and the rename; only SIGKILL can
 * interrupt it, and then what is left is a dot-file, never a half-written target.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    writeFileSync(temporary, content, { flag: "wx" });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(
    file,
    `${JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
}

export function readJsonIfExists(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as unknown) : undefined;
}
