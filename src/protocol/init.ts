/**
 * The canonical start of a run (PROTOCOL §12): B = 0 and A drawn from a public seed, uniform in
 * [-β, β] with β = floor(2^F / sqrt(d_in)), the integer form of PyTorch's Kaiming-uniform with
 * a = sqrt(5) that LoRA (PEFT) uses for A.
 */

import { TAGS, adapterCommitment } from "./commitments.js";
import { assertFieldElement } from "./field.js";
import { buildMatrix, type Matrix } from "./matrix.js";
import { poseidonHash } from "./poseidon.js";
import type { StepShape } from "./shape.js";

/** Each Poseidon output gives 15 chunks of 16 bits (240 of its 254 bits). */
export const INIT_CHUNK_BITS = 16;
export const INIT_CHUNKS_PER_HASH = 15;

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError(`isqrt of a negative number ${n}`);
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** β = floor(2^F / sqrt(d_in)) = isqrt(floor(2^2F / d_in)), at least 1. */
export function initBound(dIn: number, F: number): bigint {
  const bound = isqrt((1n << BigInt(2 * F)) / BigInt(dIn));
  return bound < 1n ? 1n : bound;
}

/** The 16-bit chunk m of the seed's stream: bits [16 (m mod 15), +16) of Poseidon([15, seed, floor(m / 15)]). */
export function initChunk(seed: bigint, m: number): bigint {
  const word = poseidonHash([TAGS.init, seed, BigInt(Math.floor(m / INIT_CHUNKS_PER_HASH))]);
  const shift = BigInt(INIT_CHUNK_BITS * (m % INIT_CHUNKS_PER_HASH));
  return (word >> shift) & ((1n << BigInt(INIT_CHUNK_BITS)) - 1n);
}

/**
 * Â[k][l] = floor(u_m (2β + 1) / 2^16) - β for m = k d_in + l (row-major), u_m the m-th chunk; B̂ = 0.
 * The map is exact integer arithmetic: the circuit proves the quotient and its remainder.
 */
export function canonicalInit(
  seed: bigint,
  shape: Pick<StepShape, "dIn" | "dOut" | "rank" | "F">,
): { a: Matrix; b: Matrix } {
  assertFieldElement("seed", seed);
  const bound = initBound(shape.dIn, shape.F);
  const span = 2n * bound + 1n;
  const words = new Map<number, bigint>();
  const chunk = (m: number): bigint => {
    const q = Math.floor(m / INIT_CHUNKS_PER_HASH);
    let word = words.get(q);
    if (word === undefined) {
      word = poseidonHash([TAGS.init, seed, BigInt(q)]);
      words.set(q, word);
    }
    return (word >> BigInt(INIT_CHUNK_BITS * (m % INIT_CHUNKS_PER_HASH))) & ((1n << BigInt(INIT_CHUNK_BITS)) - 1n);
  };
  const a = buildMatrix(
    shape.rank,
    shape.dIn,
    (k, l) => ((chunk(k * shape.dIn + l) * span) >> BigInt(INIT_CHUNK_BITS)) - bound,
  );
  const b = buildMatrix(shape.dOut, shape.rank, () => 0n);
  return { a, b };
}

/** The commitment of the canonical start from `seed`. */
export function canonicalAdapter(seed: bigint, shape: StepShape): bigint {
  const { a, b } = canonicalInit(seed, shape);
  return adapterCommitment(a, b, shape);
}
