/** Pasted commitments, and the errors of adapter files (small: the page loads the Poseidon code only for files). */
import { isFieldElement } from "../../src/protocol/index.js";

export class AdapterFileError extends Error {}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field element as the commands write it: a 0x-hex or decimal string, below the field modulus. */
export function parseCommitment(text: string): bigint {
  const trimmed = text.trim();
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(trimmed)) {
    throw new AdapterFileError(
      `"${trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed}" is not a commitment: expected a field element, 0x-hex or decimal`,
    );
  }
  const value = BigInt(trimmed);
  if (!isFieldElement(value))
    throw new AdapterFileError("not a field element: the value is not below the BN254 scalar field modulus");
  return value;
}
