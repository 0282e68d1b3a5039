// The prepared powers of tau the tests use: $PTAU (as the build), else one the build cached in
// build/ptau/ (a downloaded Hermez file or a generated development one), else none.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/node/index.js";

export function testPtau(): string | undefined {
  const fromEnvironment = process.env.PTAU;
  if (fromEnvironment !== undefined && fromEnvironment !== "" && existsSync(fromEnvironment)) return fromEnvironment;
  const cache = path.join(PROJECT_ROOT, "build", "ptau");
  if (!existsSync(cache)) return undefined;
  const cached = readdirSync(cache).filter((name) => name.endsWith(".ptau"));
  return cached.length > 0 ? path.join(cache, cached[0] ?? "") : undefined;
}
