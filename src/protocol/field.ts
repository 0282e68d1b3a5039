/** BN254 scalar field (PROTOCOL §1): every protocol value is an element of it. */

/** The BN254 scalar field modulus r (the order of the curve's group). */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const HALF_MODULUS = FIELD_MODULUS / 2n;

/** Signed integer → its field representation `v mod p`, in [0, p). */
export function toField(v: bigint): bigint {
  const r = v % FIELD_MODULUS;
  return r < 0n ? r + FIELD_MODULUS : r;
}

/** Field element → signed integer: elements above p/2 are read as negative. */
export function fromFieldSigned(f: bigint): bigint {
  assertFieldElement("field element", f);
  return f > HALF_MODULUS ? f - FIELD_MODULUS : f;
}

export function isFieldElement(v: bigint): boolean {
  return v >= 0n && v < FIELD_MODULUS;
}

/** Inputs given as field elements must already be reduced: values >= p are rejected, never wrapped. */
export function assertFieldElement(name: string, v: bigint): void {
  if (!isFieldElement(v)) {
    throw new RangeError(`${name} = ${v} is not a field element (must be in [0, p) with p = ${FIELD_MODULUS})`);
  }
}

/** A field element as the 32-byte hex string wallets and explorers show (0x + 64 digits). */
export function toHex32(value: bigint): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}
