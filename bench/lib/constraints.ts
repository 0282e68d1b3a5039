/**
 * Where the constraints of circuits/step/lora_step.circom go, by formula from the template.
 *
 * The instances compile with `--O2`, which removes every linear constraint by substitution, so only
 * the quadratic constraints are counted, with the costs they have after simplification:
 *
 * - `UnsignedRange(b)`, `SignedRange(b)`, `Num2Bits(b)`: b booleanity constraints (the recomposition
 *   is linear and disappears);
 * - `BelowConstant(D)`: one range of bitLength(D - 1) bits, two when D is not a power of two;
 * - `RoundShift(s, qBits)`: s (remainder) + qBits (quotient);
 * - circomlib `Poseidon(n)`, t = n + 1: three constraints per S-box (x², x⁴, x⁵), t S-boxes in each of
 *   the 8 full rounds and one in each partial round, `3 (8 t + P(t))`, minus 3 for every lane of the
 *   first round that is a compile-time constant (the initial state 0 always; the tag/length word of a
 *   first PackHash chunk; the tag and the shape parameters of hparamsHash), whose S-box O2 folds away;
 * - every `<==` of a product of two signals: 1.
 *
 * `bench/breakdown-check.ts` compiles other shapes and compares; the benchmark compares every
 * circuit with its compiled count and shows any residual.
 *
 * The same rules give the other templates: LoraMerge (circuits/merge/lora_merge.circom), LoraMergeFreivalds
 * (circuits/merge/lora_merge_freivalds.circom) and the full fine-tuning baseline FullStep
 * (circuits/baseline/full_step.circom); `breakdownFor` picks the template's formula.
 */
import {
  fullUpdateDivisor,
  type FullShape,
  mergedBits,
  HPARAM_BITS,
  POSITION_QUOTIENT_BITS,
  STEP_BITS,
  bitLength,
  intermediateBitBounds,
  updateDivisors,
  type StepShape,
} from "../../src/protocol/index.js";
import { activationBits, baseLayout, type CheckpointShape } from "../../src/protocol/index.js";
import type { BenchCircuit } from "./circuits.js";

/** circomlib's N_ROUNDS_P, indexed by t - 2. */
const POSEIDON_PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;
const POSEIDON_FULL_ROUNDS = 8;
const PACK_WORD_BITS = 252;
const PACK_CHUNK_WORDS = 15;

/** Constraints of circomlib's Poseidon(nInputs) when `constantInputs` of its inputs are compile-time constants. */
export function poseidonConstraints(nInputs: number, constantInputs = 0): number {
  const t = nInputs + 1;
  const partial = POSEIDON_PARTIAL_ROUNDS[t - 2];
  if (partial === undefined) throw new Error(`Poseidon takes 1..16 inputs, not ${nInputs}`);
  if (constantInputs < 0 || constantInputs > nInputs)
    throw new Error(`${constantInputs} constant inputs of ${nInputs}`);
  // The initial state (lane 0) is the constant 0.
  return 3 * (POSEIDON_FULL_ROUNDS * t + partial) - 3 * (1 + constantInputs);
}

/** The Poseidon part of PackHash(tag, len, bits): one Poseidon(size + 1) per chunk of at most 15 words. */
export function packHashPoseidonConstraints(
  len: number,
  bits: number,
): { constraints: number; words: number; chunks: number } {
  const perWord = Math.floor(PACK_WORD_BITS / bits);
  const words = Math.ceil(len / perWord);
  const chunks = Math.ceil(words / PACK_CHUNK_WORDS);
  let constraints = 0;
  for (let c = 0; c < chunks; c++) {
    const size = Math.min(PACK_CHUNK_WORDS, words - c * PACK_CHUNK_WORDS);
    // The first chunk starts from the constant tag * 2^64 + len.
    constraints += poseidonConstraints(size + 1, c === 0 ? 1 : 0);
  }
  return { constraints, words, chunks };
}

/** Constraints of BelowConstant(bound). */
export function belowConstantConstraints(bound: bigint): number {
  const width = bitLength(bound - 1n);
  if (width === 0) return 0;
  const powerOfTwo = 1n << BigInt(width);
  return powerOfTwo === bound ? width : 2 * width;
}

export type ConstraintFamily =
  "range checks" | "Poseidon hashing" | "products" | "remainder / rescale checks" | "batch selection and binding";

export const CONSTRAINT_FAMILIES: readonly ConstraintFamily[] = [
  "range checks",
  "Poseidon hashing",
  "products",
  "remainder / rescale checks",
  "batch selection and binding",
];

export interface BreakdownRow {
  family: ConstraintFamily;
  item: string;
  /** how the count is obtained, with this instance's numbers */
  formula: string;
  constraints: number;
}

export interface ConstraintBreakdown {
  rows: BreakdownRow[];
  byFamily: Record<ConstraintFamily, number>;
  total: number;
}

/** The formula breakdown of LoraStep(shape), circuits/step/lora_step.circom, compiled with --O2. */
export function constraintBreakdown(shape: StepShape): ConstraintBreakdown {
  const { dIn, dOut, rank: r, batch: n, depth, F, xBits, aBits, wBits } = shape;
  const { hBits } = intermediateBitBounds(shape);
  const { dA, dB } = updateDivisors(shape);
  const adapterLen = r * dIn + dOut * r;
  const base = packHashPoseidonConstraints(dOut * dIn, wBits);
  const adapter = packHashPoseidonConstraints(adapterLen, aBits);
  const leaf = packHashPoseidonConstraints(dIn + dOut, xBits);
  const p2 = poseidonConstraints(2);
  const hparams = poseidonConstraints(14, 11);
  const datasetRoot = poseidonConstraints(3, 1);
  const belowB = belowConstantConstraints(dB);
  const belowA = belowConstantConstraints(dA);

  const rows: BreakdownRow[] = [
    {
      family: "range checks",
      item: "W0 entries",
      formula: `${dOut}·${dIn} × ${wBits} bits`,
      constraints: dOut * dIn * wBits,
    },
    {
      family: "range checks",
      item: "adapter entries A, B, A', B'",
      formula: `2 × (${r}·${dIn} + ${dOut}·${r}) × ${aBits} bits`,
      constraints: 2 * adapterLen * aBits,
    },
    {
      family: "range checks",
      item: "batch inputs x and targets t",
      formula: `${n} × (${dIn} + ${dOut}) × ${xBits} bits`,
      constraints: n * (dIn + dOut) * xBits,
    },
    {
      family: "range checks",
      item: "α, lr, step, datasetSize − 1",
      formula: `${HPARAM_BITS} + ${HPARAM_BITS} + ${STEP_BITS} + ${depth}`,
      constraints: 2 * HPARAM_BITS + STEP_BITS + depth,
    },
    {
      family: "Poseidon hashing",
      item: "baseRoot PackHash chain (W0)",
      formula: `${base.words} words, ${base.chunks} Poseidon`,
      constraints: base.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "adapter PackHash chains (before, after)",
      formula: `2 × (${adapter.words} words, ${adapter.chunks} Poseidon)`,
      constraints: 2 * adapter.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "example leaves PackHash",
      formula: `${n} × (${leaf.words} words, ${leaf.chunks} Poseidon)`,
      constraints: n * leaf.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "Merkle paths (Poseidon(2) + swap per level)",
      formula: `${n} × ${depth} × (${p2} + 1)`,
      constraints: n * depth * (p2 + 1),
    },
    {
      family: "Poseidon hashing",
      item: "hparamsHash, datasetRoot",
      formula: `Poseidon(14) with 11 constant inputs ${hparams} + Poseidon(3) with 1 ${datasetRoot}`,
      constraints: hparams + datasetRoot,
    },
    { family: "products", item: "W0·x", formula: `${n}·${dOut}·${dIn}`, constraints: n * dOut * dIn },
    { family: "products", item: "A·x", formula: `${n}·${r}·${dIn}`, constraints: n * r * dIn },
    {
      family: "products",
      item: "B·h and α·(B h)",
      formula: `${n}·${dOut}·${r} + ${n}·${dOut}`,
      constraints: n * dOut * r + n * dOut,
    },
    {
      family: "products",
      item: "gradients Bᵀe, e·hᵀ, u·xᵀ",
      formula: `${n}·${r}·${dOut} + ${dOut}·${r}·${n} + ${r}·${dIn}·${n}`,
      constraints: 2 * n * r * dOut + r * dIn * n,
    },
    {
      family: "products",
      item: "α·lr and 2αlr·G scaling",
      formula: `1 + ${dOut}·${r} + ${r}·${dIn}`,
      constraints: 1 + dOut * r + r * dIn,
    },
    {
      family: "remainder / rescale checks",
      item: "h = round(A x / 2^F): remainder + quotient",
      formula: `${n}·${r} × (${F} + ${hBits})`,
      constraints: n * r * (F + hBits),
    },
    {
      family: "remainder / rescale checks",
      item: "update remainders < D_B (B), < D_A (A)",
      formula: `${dOut}·${r} × ${belowB} + ${r}·${dIn} × ${belowA}`,
      constraints: dOut * r * belowB + r * dIn * belowA,
    },
    {
      family: "batch selection and binding",
      item: "positions: bits, < datasetSize, quotient, division",
      formula: `${n} × (${depth} + ${depth} + ${POSITION_QUOTIENT_BITS} + 1)`,
      constraints: n * (2 * depth + POSITION_QUOTIENT_BITS + 1),
    },
    { family: "batch selection and binding", item: "submitter²", formula: "1", constraints: 1 },
  ];
  const byFamily = Object.fromEntries(CONSTRAINT_FAMILIES.map((family) => [family, 0])) as Record<
    ConstraintFamily,
    number
  >;
  for (const row of rows) byFamily[row.family] += row.constraints;
  return { rows, byFamily, total: rows.reduce((sum, row) => sum + row.constraints, 0) };
}

function summarize(rows: BreakdownRow[]): ConstraintBreakdown {
  const byFamily = Object.fromEntries(CONSTRAINT_FAMILIES.map((family) => [family, 0])) as Record<
    ConstraintFamily,
    number
  >;
  for (const row of rows) byFamily[row.family] += row.constraints;
  return { rows, byFamily, total: rows.reduce((sum, row) => sum + row.constraints, 0) };
}

/** The rows LoraMerge and LoraMergeFreivalds share: W0 and adapter commitments, α, hparamsHash. */
function mergeCommonRows(shape: StepShape): BreakdownRow[] {
  const { dIn, dOut, rank: r, aBits, wBits } = shape;
  const adapterLen = r * dIn + dOut * r;
  const base = packHashPoseidonConstraints(dOut * dIn, wBits);
  const adapter = packHashPoseidonConstraints(adapterLen, aBits);
  const hparams = poseidonConstraints(14, 11);
  return [
    {
      family: "range checks",
      item: "W0 entries",
      formula: `${dOut}·${dIn} × ${wBits} bits`,
      constraints: dOut * dIn * wBits,
    },
    {
      family: "range checks",
      item: "adapter entries A, B",
      formula: `(${r}·${dIn} + ${dOut}·${r}) × ${aBits} bits`,
      constraints: adapterLen * aBits,
    },
    { family: "range checks", item: "α", formula: `${HPARAM_BITS}`, constraints: HPARAM_BITS },
    {
      family: "Poseidon hashing",
      item: "baseRoot PackHash chain (W0)",
      formula: `${base.words} words, ${base.chunks} Poseidon`,
      constraints: base.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "adapter PackHash chain",
      formula: `${adapter.words} words, ${adapter.chunks} Poseidon`,
      constraints: adapter.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "hparamsHash",
      formula: `Poseidon(14) with 11 constant inputs`,
      constraints: hparams,
    },
  ];
}

/** The formula breakdown of LoraMerge(shape), circuits/merge/lora_merge.circom: every product B[i][k] A[k][l], merged weights packed unchecked. */
export function loraMergeBreakdown(shape: StepShape): ConstraintBreakdown {
  const { dIn, dOut, rank: r } = shape;
  const bits = mergedBits(shape);
  const merged = packHashPoseidonConstraints(dOut * dIn, bits);
  return summarize([
    ...mergeCommonRows(shape),
    {
      family: "Poseidon hashing",
      item: "mergedRoot PackHashBounded chain (no range checks)",
      formula: `${merged.words} words of ${Math.floor(252 / bits)} × ${bits} bits, ${merged.chunks} Poseidon`,
      constraints: merged.constraints,
    },
    { family: "products", item: "B[i][k]·A[k][l]", formula: `${dOut}·${dIn}·${r}`, constraints: dOut * dIn * r },
    { family: "products", item: "α·(B A)[i][l]", formula: `${dOut}·${dIn}`, constraints: dOut * dIn },
  ]);
}

/**
 * The formula breakdown of LoraMergeFreivalds(shape): the merged weights are a witness, range-checked
 * by their PackHash; one Freivalds check with v = (1, c, c², …). Multiplying by power[0] = 1 is linear
 * and power[1] = c is a copy, so column 0 and the first power cost nothing after --O2.
 */
export function loraMergeFreivaldsBreakdown(shape: StepShape): ConstraintBreakdown {
  const { dIn, dOut, rank: r } = shape;
  const bits = mergedBits(shape);
  const merged = packHashPoseidonConstraints(dOut * dIn, bits);
  const columns = dIn - 1;
  return summarize([
    ...mergeCommonRows(shape),
    {
      family: "range checks",
      item: "merged weights (a witness here)",
      formula: `${dOut}·${dIn} × ${bits} bits`,
      constraints: dOut * dIn * bits,
    },
    {
      family: "Poseidon hashing",
      item: "mergedRoot PackHash chain",
      formula: `${merged.words} words, ${merged.chunks} Poseidon`,
      constraints: merged.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "challenge c = Poseidon(mergedRoot, adapter, baseRoot)",
      formula: "Poseidon(3)",
      constraints: poseidonConstraints(3),
    },
    { family: "products", item: "powers c^2 … c^(d_in−1)", formula: `${dIn} − 2`, constraints: Math.max(0, dIn - 2) },
    { family: "products", item: "A v", formula: `${r}·(${dIn} − 1)`, constraints: r * columns },
    {
      family: "products",
      item: "Weff v and W0 v",
      formula: `2 · ${dOut}·(${dIn} − 1)`,
      constraints: 2 * dOut * columns,
    },
    {
      family: "products",
      item: "B (A v) and α·(B A v)",
      formula: `${dOut}·${r} + ${dOut}`,
      constraints: dOut * r + dOut,
    },
  ]);
}

/** The formula breakdown of FullStep(shape), circuits/baseline/full_step.circom (PROTOCOL §10). */
export function fullStepBreakdown(shape: FullShape): ConstraintBreakdown {
  const { dIn, dOut, batch: n, depth, xBits, wBits } = shape;
  const weights = packHashPoseidonConstraints(dOut * dIn, wBits);
  const leaf = packHashPoseidonConstraints(dIn + dOut, xBits);
  const p2 = poseidonConstraints(2);
  const hparams = poseidonConstraints(10, 8);
  const datasetRoot = poseidonConstraints(3, 1);
  const divisor = fullUpdateDivisor(shape);
  const below = belowConstantConstraints(divisor);
  return summarize([
    {
      family: "range checks",
      item: "W and W' entries",
      formula: `2 × ${dOut}·${dIn} × ${wBits} bits`,
      constraints: 2 * dOut * dIn * wBits,
    },
    {
      family: "range checks",
      item: "batch inputs x and targets t",
      formula: `${n} × (${dIn} + ${dOut}) × ${xBits} bits`,
      constraints: n * (dIn + dOut) * xBits,
    },
    {
      family: "range checks",
      item: "lr, step, datasetSize − 1",
      formula: `${HPARAM_BITS} + ${STEP_BITS} + ${depth}`,
      constraints: HPARAM_BITS + STEP_BITS + depth,
    },
    {
      family: "Poseidon hashing",
      item: "weights PackHash chains (before, after)",
      formula: `2 × (${weights.words} words, ${weights.chunks} Poseidon)`,
      constraints: 2 * weights.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "example leaves PackHash",
      formula: `${n} × (${leaf.words} words, ${leaf.chunks} Poseidon)`,
      constraints: n * leaf.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "Merkle paths (Poseidon(2) + swap per level)",
      formula: `${n} × ${depth} × (${p2} + 1)`,
      constraints: n * depth * (p2 + 1),
    },
    {
      family: "Poseidon hashing",
      item: "hparamsHash, datasetRoot",
      formula: `Poseidon(10) with 8 constant inputs ${hparams} + Poseidon(3) with 1 ${datasetRoot}`,
      constraints: hparams + datasetRoot,
    },
    { family: "products", item: "W·x", formula: `${n}·${dOut}·${dIn}`, constraints: n * dOut * dIn },
    { family: "products", item: "lr·E", formula: `${n}·${dOut}`, constraints: n * dOut },
    { family: "products", item: "gradient (lr E)·xᵀ", formula: `${dOut}·${dIn}·${n}`, constraints: dOut * dIn * n },
    {
      family: "remainder / rescale checks",
      item: "update remainders < D = n·d_out·2^3F",
      formula: `${dOut}·${dIn} × ${below} bits (D = 2^${bitLength(divisor - 1n)}${1n << BigInt(bitLength(divisor - 1n)) === divisor ? "" : "+"})`,
      constraints: dOut * dIn * below,
    },
    {
      family: "batch selection and binding",
      item: "positions: bits, < datasetSize, quotient, division",
      formula: `${n} × (${depth} + ${depth} + ${POSITION_QUOTIENT_BITS} + 1)`,
      constraints: n * (2 * depth + POSITION_QUOTIENT_BITS + 1),
    },
    { family: "batch selection and binding", item: "submitter²", formula: "1", constraints: 1 },
  ]);
}

/** Bits of the stepSubmitter decomposition (PROTOCOL §12): 32-bit step above a 160-bit submitter. */
const SUBMITTER_BITS = 160;

/** Constraints of ChainHash(tag, len, words) of the circuits: one Poseidon(size + 1) per chunk of ≤ 15 words, the first with its constant tag/length lane. */
export function chainHashConstraints(words: number): { constraints: number; chunks: number } {
  const chunks = Math.ceil(words / PACK_CHUNK_WORDS);
  let constraints = 0;
  for (let c = 0; c < chunks; c++) {
    const size = Math.min(PACK_CHUNK_WORDS, words - c * PACK_CHUNK_WORDS);
    constraints += poseidonConstraints(size + 1, c === 0 ? 1 : 0);
  }
  return { constraints, chunks };
}

const packedWords = (len: number, bits: number): number => Math.ceil(len / Math.floor(PACK_WORD_BITS / bits));

/** ProjectionChallenge(count): c = Poseidon(TAG, baseRoot, datasetRoot), then c^2 … c^(count−1) (ρ0 = 1 and ρ1 = c are free). */
function challengeRows(count: number): BreakdownRow[] {
  return [
    {
      family: "Poseidon hashing",
      item: "projection challenge c = Poseidon(TAG, baseRoot, datasetRoot)",
      formula: "Poseidon(3) with 1 constant input",
      constraints: poseidonConstraints(3, 1),
    },
    {
      family: "products",
      item: "challenge powers c² … c^(d_out−1)",
      formula: `${count} − 2`,
      constraints: Math.max(0, count - 2),
    },
  ];
}

/**
 * The formula breakdown of LoraCheckpoint(shape), circuits/step/lora_checkpoint.circom (PROTOCOL §11–§12):
 * k = steps exact LoRA steps from the activated dataset. Per step: its batch's positions, activated leaves
 * (x, t, z range checks and hash) and Merkle paths, the projection check ρ·z = w·x of each example, the
 * LoraUpdate (as LoraStep's, without W0·x) and the squared errors of the loss; once: the run config, the
 * stepSubmitter bits, the projection's challenge and id, the two committed adapters and the k − 1
 * intermediate adapters' range checks.
 */
export function loraCheckpointBreakdown(shape: CheckpointShape): ConstraintBreakdown {
  const { dIn, dOut, rank: r, batch: n, depth, F, xBits, aBits, steps: k } = shape;
  const { hBits } = intermediateBitBounds(shape);
  const { dA, dB } = updateDivisors(shape);
  const zBits = activationBits(shape);
  const adapterLen = r * dIn + dOut * r;
  const adapter = packHashPoseidonConstraints(adapterLen, aBits);
  const leafWords = packedWords(dIn + dOut, xBits) + packedWords(dOut, zBits);
  const leaf = chainHashConstraints(leafWords);
  const p2 = poseidonConstraints(2);
  const { columns, blocks } = baseLayout(dIn, dOut);
  const slice = chainHashConstraints(columns);
  const links = poseidonConstraints(3, 2) + (blocks - 1) * poseidonConstraints(3, 1);
  const belowB = belowConstantConstraints(dB);
  const belowA = belowConstantConstraints(dA);
  return summarize([
    // ---- once per proof ----
    {
      family: "range checks",
      item: "adapter entries A, B before and after",
      formula: `2 × (${r}·${dIn} + ${dOut}·${r}) × ${aBits} bits`,
      constraints: 2 * adapterLen * aBits,
    },
    {
      family: "Poseidon hashing",
      item: "adapter PackHash chains (before, after)",
      formula: `2 × (${adapter.words} words, ${adapter.chunks} Poseidon)`,
      constraints: 2 * adapter.constraints,
    },
    {
      family: "range checks",
      item: "intermediate adapters A, B (k − 1)",
      formula: `(${k} − 1) × ${adapterLen} × ${aBits} bits`,
      constraints: (k - 1) * adapterLen * aBits,
    },
    {
      family: "range checks",
      item: "run config: α, lr, α − 1, lr − 1",
      formula: `4 × ${HPARAM_BITS}`,
      constraints: 4 * HPARAM_BITS,
    },
    {
      family: "Poseidon hashing",
      item: "runConfig Poseidon(6)",
      formula: "Poseidon(6) with 1 constant input",
      constraints: poseidonConstraints(6, 1),
    },
    {
      family: "batch selection and binding",
      item: "stepSubmitter decomposition (step, submitter)",
      formula: `${STEP_BITS} + ${SUBMITTER_BITS} bits`,
      constraints: STEP_BITS + SUBMITTER_BITS,
    },
    ...challengeRows(dOut),
    {
      family: "Poseidon hashing",
      item: "projection id: slice chains and links",
      formula: `${blocks} block(s) × (${columns} words, ${slice.chunks} Poseidon) + ${blocks} Poseidon(3)`,
      constraints: blocks * slice.constraints + links,
    },
    // ---- per step ----
    {
      family: "batch selection and binding",
      item: "positions: step and datasetSize − 1 ranges",
      formula: `${k} × (${STEP_BITS} + ${depth})`,
      constraints: k * (STEP_BITS + depth),
    },
    {
      family: "batch selection and binding",
      item: "positions: bits, < datasetSize, quotient, division",
      formula: `${k}·${n} × (${depth} + ${depth} + ${POSITION_QUOTIENT_BITS} + 1)`,
      constraints: k * n * (2 * depth + POSITION_QUOTIENT_BITS + 1),
    },
    {
      family: "range checks",
      item: "activated leaves: x and t",
      formula: `${k}·${n} × (${dIn} + ${dOut}) × ${xBits} bits`,
      constraints: k * n * (dIn + dOut) * xBits,
    },
    {
      family: "range checks",
      item: "activated leaves: z",
      formula: `${k}·${n} × ${dOut} × ${zBits} bits`,
      constraints: k * n * dOut * zBits,
    },
    {
      family: "Poseidon hashing",
      item: "activated leaves ChainHash",
      formula: `${k}·${n} × (${leafWords} words, ${leaf.chunks} Poseidon)`,
      constraints: k * n * leaf.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "Merkle paths (Poseidon(2) + swap per level)",
      formula: `${k}·${n} × ${depth} × (${p2} + 1)`,
      constraints: k * n * depth * (p2 + 1),
    },
    {
      family: "Poseidon hashing",
      item: "datasetRoot",
      formula: `${k} × Poseidon(3) with 1 constant input`,
      constraints: k * poseidonConstraints(3, 1),
    },
    {
      family: "products",
      item: "projection check ρ·z and w·x",
      formula: `${k}·${n} × ((${dOut} − 1) + ${dIn})`,
      constraints: k * n * (dOut - 1 + dIn),
    },
    { family: "products", item: "A·x", formula: `${k}·${n}·${r}·${dIn}`, constraints: k * n * r * dIn },
    {
      family: "products",
      item: "B·h and α·(B h)",
      formula: `${k} × (${n}·${dOut}·${r} + ${n}·${dOut})`,
      constraints: k * (n * dOut * r + n * dOut),
    },
    {
      family: "products",
      item: "gradients Bᵀe, e·hᵀ, u·xᵀ",
      formula: `${k} × (${n}·${r}·${dOut} + ${dOut}·${r}·${n} + ${r}·${dIn}·${n})`,
      constraints: k * (2 * n * r * dOut + r * dIn * n),
    },
    {
      family: "products",
      item: "α·lr and 2αlr·G scaling",
      formula: `${k} × (1 + ${dOut}·${r} + ${r}·${dIn})`,
      constraints: k * (1 + dOut * r + r * dIn),
    },
    {
      family: "remainder / rescale checks",
      item: "h = round(A x / 2^F): remainder + quotient",
      formula: `${k}·${n}·${r} × (${F} + ${hBits})`,
      constraints: k * n * r * (F + hBits),
    },
    {
      family: "remainder / rescale checks",
      item: "update remainders < D_B (B), < D_A (A)",
      formula: `${k} × (${dOut}·${r} × ${belowB} + ${r}·${dIn} × ${belowA})`,
      constraints: k * (dOut * r * belowB + r * dIn * belowA),
    },
    {
      family: "products",
      item: "loss: squared errors",
      formula: `${k}·${n}·${dOut}`,
      constraints: k * n * dOut,
    },
  ]);
}

/**
 * The formula breakdown of BaseProjectionBlock(dIn, dOut, wBits), circuits/base/base_projection.circom
 * (PROTOCOL §11): one d_out × C column block of W0, its inclusion in the base model, and its link of the
 * projection chain. ρ0 = 1, so the first row of the column sums is free.
 */
export function baseProjectionBreakdown(shape: Pick<CheckpointShape, "dIn" | "dOut" | "wBits">): ConstraintBreakdown {
  const { dIn, dOut, wBits } = shape;
  const { columns, treeDepth } = baseLayout(dIn, dOut);
  const block = packHashPoseidonConstraints(dOut * columns, wBits);
  const slice = chainHashConstraints(columns);
  const p2 = poseidonConstraints(2);
  return summarize([
    {
      family: "range checks",
      item: "W0 block entries",
      formula: `${dOut}·${columns} × ${wBits} bits`,
      constraints: dOut * columns * wBits,
    },
    { family: "range checks", item: "block index bits", formula: `${treeDepth}`, constraints: treeDepth },
    {
      family: "Poseidon hashing",
      item: "block PackHash chain (W0 block)",
      formula: `${block.words} words, ${block.chunks} Poseidon`,
      constraints: block.constraints,
    },
    {
      family: "Poseidon hashing",
      item: "block tree path and baseRoot",
      formula: `${treeDepth} × (${p2} + 1) + Poseidon(3) with 2 constant inputs`,
      constraints: treeDepth * (p2 + 1) + poseidonConstraints(3, 2),
    },
    ...challengeRows(dOut),
    {
      family: "products",
      item: "ρ·W0 column sums",
      formula: `${columns}·(${dOut} − 1)`,
      constraints: columns * (dOut - 1),
    },
    {
      family: "Poseidon hashing",
      item: "projection slice chain and link",
      formula: `${columns} words, ${slice.chunks} Poseidon + Poseidon(3) with 1 constant input`,
      constraints: slice.constraints + poseidonConstraints(3, 1),
    },
  ]);
}

/** The formula breakdown of any benchmarked circuit. */
export function breakdownFor(circuit: BenchCircuit): ConstraintBreakdown {
  switch (circuit.template) {
    case "LoraStep":
      return constraintBreakdown(circuit.params);
    case "LoraMerge":
      return loraMergeBreakdown(circuit.params);
    case "LoraMergeFreivalds":
      return loraMergeFreivaldsBreakdown(circuit.params);
    case "FullStep":
      return fullStepBreakdown(circuit.params);
    case "LoraCheckpoint":
      return loraCheckpointBreakdown(circuit.params);
    case "BaseProjectionBlock":
      return baseProjectionBreakdown(circuit.params);
  }
}

export function formulaConstraints(circuit: BenchCircuit): number {
  return breakdownFor(circuit).total;
}
