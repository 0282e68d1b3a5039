/** Packing of signed values into field elements (PROTOCOL §5). */

import { checkSignedRange } from "./fixedpoint.js";
import type { Vector } from "./matrix.js";

/** Bits of a field element used by packing: k * bits <= 252 < log2(p), so words never wrap. */
export const PACK_WORD_BITS = 252;

/** k = floor(252 / bits) values per word. */
export function valuesPerWord(bits: number): number {
  if (!Number.isSafeInteger(bits) || bits < 1 || bits > PACK_WORD_BITS) {
    throw new RangeError(`cannot pack ${bits}-bit values`);
  }
  return Math.floor(PACK_WORD_BITS / bits);
}

/**
 * Offset binary (u = v + 2^(bits-1)), little-endian, k values per word; the last word holds what
 * remains. Every value is range-checked first: out of range throws, it never wraps.
 */
export function packSigned(values: Vector, bits: number, fieldName = "value"): bigint[] {
  const k = valuesPerWord(bits);
  const width = BigInt(bits);
  const offset = 1n << (width - 1n);
  const words: bigint[] = [];
  for (let start = 0; start < values.length; start += k) {
    let word = 0n;
    const end = Math.min(start + k, values.length);
    // Horner from the most significant slot down: word = Σ u[start+s] * 2^(bits*s).
    for (let i = end - 1; i >= start; i--) {
      const v = values[i] as bigint;
      checkSignedRange(fieldName, v, bits, [i]);
      word = (word << width) | (v + offset);
    }
    words.push(word);
  }
  return words;
}

/** Inverse of packSigned for `length` values; rejects words with bits set outside the values. */
export function unpackSigned(words: Vector, bits: number, length: number): bigint[] {
  const k = valuesPerWord(bits);
  const expectedWords = Math.ceil(length / k);
  if (words.length !== expectedWords) {
    throw new RangeError(`${length} values of ${bits} bits pack into ${expectedWords} words, got ${words.length}`);
  }
  const width = BigInt(bits);
  const mask = (1n << width) - 1n;
  const offset = 1n << (width - 1n);
  const values: bigint[] = [];
  words.forEach((word, m) => {
    const count = Math.min(k, length - m * k);
    let rest = word;
    for (let s = 0; s < count; s++) {
      values.push((rest & mask) - offset);
      rest >>= width;
    }
    if (rest !== 0n) throw new RangeError(`word ${m} has bits set above its ${count} values`);
  });
  return values;
}
