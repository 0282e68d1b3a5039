/** Poseidon over BN254 with circomlib's parameters (poseidon-lite), and PackHash (PROTOCOL §5). */

import {
  poseidon1,
  poseidon2,
  poseidon3,
  poseidon4,
  poseidon5,
  poseidon6,
  poseidon7,
  poseidon8,
  poseidon9,
  poseidon10,
  poseidon11,
  poseidon12,
  poseidon13,
  poseidon14,
  poseidon15,
  poseidon16,
} from "poseidon-lite";

import { assertFieldElement } from "./field.js";
import type { Vector } from "./matrix.js";
import { packSigned } from "./packing.js";

type PoseidonN = (inputs: bigint[]) => bigint;

// Index i holds the hash of i + 1 inputs (circomlib's Poseidon(i + 1)).
const POSEIDON_BY_ARITY: readonly PoseidonN[] = [
  poseidon1,
  poseidon2,
  poseidon3,
  poseidon4,
  poseidon5,
  poseidon6,
  poseidon7,
  poseidon8,
  poseidon9,
  poseidon10,
  poseidon11,
  poseidon12,
  poseidon13,
  poseidon14,
  poseidon15,
  poseidon16,
];

export const MAX_POSEIDON_INPUTS = POSEIDON_BY_ARITY.length;

/** Words per PackHash chunk: the state plus 15 words fill Poseidon(16). */
export const PACK_HASH_CHUNK_WORDS = MAX_POSEIDON_INPUTS - 1;

/** Poseidon of 1..16 field elements; inputs >= p are rejected (poseidon-lite would reduce them). */
export function poseidonHash(inputs: Vector): bigint {
  const hash = POSEIDON_BY_ARITY[inputs.length - 1];
  if (hash === undefined) {
    throw new RangeError(`Poseidon takes 1 to ${MAX_POSEIDON_INPUTS} inputs, got ${inputs.length}`);
  }
  inputs.forEach((v, i) => assertFieldElement(`poseidon input ${i}`, v));
  return hash([...inputs]);
}

/**
 * ChainHash(tag, len, words): state = tag * 2^64 + len; then for each chunk of at most 15 words,
 * state = Poseidon([state, ...chunk]). `len` is the number of values the words encode.
 */
export function chainHash(tag: bigint, length: number, words: Vector): bigint {
  if (tag < 0n) throw new RangeError(`ChainHash tag ${tag} must be non-negative`);
  let state = (tag << 64n) + BigInt(length);
  assertFieldElement("ChainHash initial state", state);
  for (let start = 0; start < words.length; start += PACK_HASH_CHUNK_WORDS) {
    state = poseidonHash([state, ...words.slice(start, start + PACK_HASH_CHUNK_WORDS)]);
  }
  return state;
}

/** PackHash(tag, values, bits) = ChainHash(tag, len(values), the packed words of the values). */
export function packHash(tag: bigint, values: Vector, bits: number, fieldName = "value"): bigint {
  return chainHash(tag, values.length, packSigned(values, bits, fieldName));
}
