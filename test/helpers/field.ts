// Field arithmetic for tests that build witnesses by hand (tampering at the R1CS level).
import { FIELD_MODULUS } from "../../src/protocol/index.js";

/** v mod p, in [0, p). */
export const mod = (v: bigint): bigint => ((v % FIELD_MODULUS) + FIELD_MODULUS) % FIELD_MODULUS;

/** a^(p-2) mod p: the inverse of a in the field. */
export function inverse(a: bigint): bigint {
  let result = 1n;
  let base = mod(a);
  for (let e = FIELD_MODULUS - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % FIELD_MODULUS;
    base = (base * base) % FIELD_MODULUS;
  }
  return result;
}
