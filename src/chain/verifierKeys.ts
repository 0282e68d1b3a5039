/**
 * The verification key a deployed Groth16 verifier holds, read from its runtime code. snarkjs's Solidity
 * template declares alpha, beta, gamma, delta and the IC points as constants, which solc inlines as PUSH
 * immediates in the order the template's assembly uses them: IC0 (x, y), then each IC_i as (y, x) (Yul
 * evaluates call arguments right to left), then alpha, beta, gamma, delta. Every decoded point is checked
 * to lie on BN254 (G1 or G2), so a code that is not such a verifier is refused rather than misread.
 * Browser-safe: the explorer decodes keys with it.
 */
import type { VerificationKey } from "snarkjs";
import { LoraLedgerError } from "../protocol/index.js";

/** The BN254 base field modulus (the template's `q`) and scalar field modulus (its `r`). */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** PUSH1..PUSH32 opcodes. */
const PUSH1 = 0x60;
const PUSH32 = 0x7f;
/** Shorter immediates are offsets, selectors and masks: a coordinate has fewer than 24 bytes with probability 2^-64. */
const MIN_COORDINATE_BYTES = 24;

/** The key's coordinates, in the template's order, after the IC points. */
const FIXED_COORDINATES = 14;

export class VerifierCodeError extends Error {}

function hexBytes(code: string): Uint8Array {
  const hex = code.replace(/^0x/i, "");
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++)
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/**
 * Runtime code without solc's CBOR metadata trailer (its last two bytes give its length): its hash bytes
 * would read as instructions, and the build profile changes it (Ignition compiles with another) but not the code.
 */
export function withoutMetadata(code: string): string {
  const hex = code.toLowerCase().replace(/^0x/, "");
  const metadataBytes = Number.parseInt(hex.slice(-4), 16);
  const trailer = (metadataBytes + 2) * 2;
  return Number.isNaN(metadataBytes) || trailer > hex.length ? hex : hex.slice(0, hex.length - trailer);
}

/** The immediates of the PUSH instructions of `code` of at least `minBytes` bytes, in code order (metadata trailer excluded). */
export function pushImmediates(code: string, minBytes = MIN_COORDINATE_BYTES): bigint[] {
  const bytes = hexBytes(withoutMetadata(code));
  const values: bigint[] = [];
  for (let position = 0; position < bytes.length;) {
    const opcode = bytes[position] ?? 0;
    if (opcode >= PUSH1 && opcode <= PUSH32) {
      const length = opcode - PUSH1 + 1;
      if (length >= minBytes) {
        let value = 0n;
        for (const byte of bytes.subarray(position + 1, position + 1 + length)) value = (value << 8n) | BigInt(byte);
        values.push(value);
      }
      position += 1 + length;
    } else position += 1;
  }
  return values;
}

const mod = (value: bigint): bigint => ((value % Q) + Q) % Q;

function onG1([x, y]: readonly [bigint, bigint]): boolean {
  return x < Q && y < Q && mod(y * y) === mod(x * x * x + 3n);
}

/** Fq2 = Fq[u]/(u² + 1), elements (c0, c1) = c0 + c1·u. */
type Fq2 = readonly [bigint, bigint];
const fq2Mul = ([a0, a1]: Fq2, [b0, b1]: Fq2): Fq2 => [mod(a0 * b0 - a1 * b1), mod(a0 * b1 + a1 * b0)];
const fq2Add = ([a0, a1]: Fq2, [b0, b1]: Fq2): Fq2 => [mod(a0 + b0), mod(a1 + b1)];
/** The twist's b' = 3 / (9 + u). */
const TWIST_B: Fq2 = [
  19485874751759354771024239261021720505790618469301721065564631296452457478373n,
  266929791119991161246907387137283842545076965332900288569378510910307636690n,
];

/** (x, y) on the BN254 G2 twist, in snarkjs's coordinate order ([c0, c1] for each). */
function onG2(x: Fq2, y: Fq2): boolean {
  if ([...x, ...y].some((value) => value >= Q)) return false;
  const left = fq2Mul(y, y);
  const right = fq2Add(fq2Mul(fq2Mul(x, x), x), TWIST_B);
  return left[0] === right[0] && left[1] === right[1];
}

const text = (value: bigint): string => value.toString();

/**
 * The verification key (snarkjs's JSON form, without vk_alphabeta_12, which verification does not use)
 * of a snarkjs Groth16 verifier's runtime code; throws VerifierCodeError when the code is not one.
 */
export function decodeVerificationKey(code: string): VerificationKey {
  const coordinates = pushImmediates(code).filter((value) => value !== Q && value !== R);
  const icCoordinates = coordinates.length - FIXED_COORDINATES;
  if (icCoordinates < 2 || icCoordinates % 2 !== 0)
    throw new VerifierCodeError(
      `the code holds ${coordinates.length} 256-bit constants: not a snarkjs Groth16 verifier (expected 14 plus two per IC point)`,
    );
  const ic: [bigint, bigint][] = [];
  for (let index = 0; index < icCoordinates / 2; index++) {
    const first = coordinates[2 * index] ?? 0n;
    const second = coordinates[2 * index + 1] ?? 0n;
    ic.push(index === 0 ? [first, second] : [second, first]);
  }
  const fixed = coordinates.slice(icCoordinates);
  const at = (index: number): bigint => fixed[index] ?? 0n;
  // the template's alphax, alphay, betax1 (= beta[0][1]), betax2 (= beta[0][0]), betay1, betay2, then gamma, delta alike
  const alpha: [bigint, bigint] = [at(0), at(1)];
  const g2 = (offset: number): [Fq2, Fq2] => [
    [at(offset + 1), at(offset)],
    [at(offset + 3), at(offset + 2)],
  ];
  const [beta, gamma, delta] = [g2(2), g2(6), g2(10)];
  const bad = [
    ...ic.map((point, index) => (onG1(point) ? undefined : `IC[${index}]`)),
    onG1(alpha) ? undefined : "alpha",
    onG2(...beta) ? undefined : "beta",
    onG2(...gamma) ? undefined : "gamma",
    onG2(...delta) ? undefined : "delta",
  ].filter((name) => name !== undefined);
  if (bad.length > 0)
    throw new VerifierCodeError(
      `the code's constants do not decode to a BN254 verification key (${bad.join(", ")} not on the curve): not a snarkjs Groth16 verifier compiled as this project compiles it`,
    );
  const g2Json = ([x, y]: [Fq2, Fq2]): string[][] => [x.map(text), y.map(text), ["1", "0"]];
  return {
    protocol: "groth16",
    curve: "bn128",
    nPublic: ic.length - 1,
    vk_alpha_1: [text(alpha[0]), text(alpha[1]), "1"],
    vk_beta_2: g2Json(beta),
    vk_gamma_2: g2Json(gamma),
    vk_delta_2: g2Json(delta),
    IC: ic.map(([x, y]) => [text(x), text(y), "1"]),
  };
}

/** One coordinate of a verification key, named as in snarkjs's JSON: "vk_delta_2[0][1]", "IC[3][0]". */
export interface KeyCoordinate {
  field: string;
  value: string;
}

function coordinatesOf(key: VerificationKey): KeyCoordinate[] {
  const out: KeyCoordinate[] = [];
  const g1 = (name: string, point: unknown): void => {
    const values = point as string[];
    for (const index of [0, 1]) out.push({ field: `${name}[${index}]`, value: String(values[index]) });
  };
  const g2 = (name: string, point: unknown): void => {
    const values = point as string[][];
    for (const row of [0, 1])
      for (const column of [0, 1])
        out.push({ field: `${name}[${row}][${column}]`, value: String(values[row]?.[column]) });
  };
  g1("vk_alpha_1", key.vk_alpha_1);
  g2("vk_beta_2", key.vk_beta_2);
  g2("vk_gamma_2", key.vk_gamma_2);
  g2("vk_delta_2", key.vk_delta_2);
  for (const [index, point] of ((key.IC as unknown[] | undefined) ?? []).entries()) g1(`IC[${index}]`, point);
  return out;
}

/** How a verification key differs from another: each differing coordinate, expected (held) vs found (deployed). */
export interface KeyDifference {
  field: string;
  expected?: string;
  found?: string;
}

/** The coordinates where `deployed` differs from `held` (empty when they are the same key). */
export function compareVerificationKeys(held: VerificationKey, deployed: VerificationKey): KeyDifference[] {
  const differences: KeyDifference[] = [];
  if (held.nPublic !== deployed.nPublic)
    differences.push({ field: "nPublic", expected: String(held.nPublic), found: String(deployed.nPublic) });
  const found = new Map(coordinatesOf(deployed).map((coordinate) => [coordinate.field, coordinate.value]));
  const expected = coordinatesOf(held);
  for (const { field, value } of expected) {
    const other = found.get(field);
    if (other !== value) differences.push({ field, expected: value, ...(other === undefined ? {} : { found: other }) });
    found.delete(field);
  }
  for (const [field, value] of found) differences.push({ field, found: value });
  return differences;
}

/** "vk_delta_2[0][1] (held 1234…, deployed 5678…)", for messages. */
export function describeKeyDifferences(differences: readonly KeyDifference[], limit = 3): string {
  const short = (value: string | undefined): string =>
    value === undefined ? "absent" : value.length > 12 ? `${value.slice(0, 10)}…` : value;
  const shown = differences
    .slice(0, limit)
    .map(
      (difference) => `${difference.field} (held ${short(difference.expected)}, deployed ${short(difference.found)})`,
    );
  const more = differences.length > limit ? ` and ${differences.length - limit} more` : "";
  return `${shown.join(", ")}${more}`;
}

/** The registry's verifier of a circuit, with the key decoded from its deployed code. */
export interface DeployedKey {
  circuitId: string;
  verifier: string;
  retired: boolean;
  key: VerificationKey;
}

/** What the SDK needs of the registry and the node: verifierOf and eth_getCode (ethers contracts and providers fit). */
export interface VerifierSource {
  verifierOf(circuitId: string): Promise<{ verifier: string; retired: boolean }>;
}
export interface CodeSource {
  getCode(address: string): Promise<string>;
}

/**
 * The verification key of the verifier the registry records for `circuitId`, decoded from the chain
 * alone: no local build, no published file. Throws when no verifier is registered or its code is not a
 * snarkjs Groth16 verifier.
 */
export async function deployedVerificationKey(
  registry: VerifierSource,
  provider: CodeSource,
  circuitId: string,
): Promise<DeployedKey> {
  const record = await registry.verifierOf(circuitId);
  if (/^0x0{40}$/i.test(record.verifier))
    throw new LoraLedgerError(
      "artifacts_missing",
      `the registry has no verifier for circuit ${circuitId}`,
      "circuitId",
    );
  const code = await provider.getCode(record.verifier);
  if (code === "0x")
    throw new LoraLedgerError("artifacts_missing", `no code at the verifier ${record.verifier}`, "circuitId");
  return { circuitId, verifier: record.verifier, retired: record.retired, key: decodeVerificationKey(code) };
}

/**
 * Fails with `key_mismatch` unless `published` (a key file someone offers for the circuit: a build's, a
 * ceremony's export) is the deployed verifier's key; the message names the differing coordinates. A
 * mismatch is not an invalid proof: the key offered is not the one the chain verifies with.
 */
export function assertPublishedKeyMatches(deployed: DeployedKey, published: VerificationKey, label: string): void {
  const differences = compareVerificationKeys(published, deployed.key);
  if (differences.length > 0)
    throw new LoraLedgerError(
      "key_mismatch",
      `${label} is not the key of the deployed verifier ${deployed.verifier}: ${describeKeyDifferences(differences)}`,
      "verification_key",
    );
}
