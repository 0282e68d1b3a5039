import type { Groth16Proof } from "snarkjs";

export type { Groth16Proof, VerificationKey } from "snarkjs";

/** A BN254 Groth16 proof is two G1 points and one G2 point: 8 field elements of 32 bytes as calldata. */
export const GROTH16_PROOF_BYTES = 8 * 32;

/** Arguments of the generated verifier's verifyProof(a, b, c, input); G2 coordinates are swapped for the EVM. */
export interface SolidityProof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

export function toSolidityProof(proof: Groth16Proof): SolidityProof {
  const at = (values: readonly string[], index: number): bigint => {
    const value = values[index];
    if (value === undefined) throw new Error(`malformed Groth16 proof: coordinate ${index} missing`);
    return BigInt(value);
  };
  const [b0, b1] = [proof.pi_b[0] ?? [], proof.pi_b[1] ?? []];
  return {
    a: [at(proof.pi_a, 0), at(proof.pi_a, 1)],
    b: [
      [at(b0, 1), at(b0, 0)],
      [at(b1, 1), at(b1, 0)],
    ],
    c: [at(proof.pi_c, 0), at(proof.pi_c, 1)],
  };
}
