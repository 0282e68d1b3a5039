/** Public API of the lora-ledger TypeScript reference (PROTOCOL.md is the definition). */

export { FIELD_MODULUS, assertFieldElement, fromFieldSigned, isFieldElement, toField, toHex32 } from "./field.js";
export {
  HPARAM_BITS,
  MAX_DEPTH,
  MAX_VALUE_BITS,
  POSITION_QUOTIENT_BITS,
  STEP_BITS,
  bitLength,
  intermediateBitBounds,
  signedBounds,
  updateDivisors,
  validateShape,
  type IntermediateBitBounds,
  type SignedBounds,
  type StepShape,
} from "./shape.js";
export {
  DimensionError,
  EntryRangeError,
  FixedPointRangeError,
  StepRangeError,
  entryName,
  type RangeViolation,
} from "./rangeErrors.js";
export { type Matrix, type Vector } from "./matrix.js";
export {
  checkSignedMatrix,
  checkSignedRange,
  checkSignedVector,
  checkUnsignedRange,
  fromFixed,
  fromFixedMatrix,
  toFixed,
  toFixedMatrix,
  toFixedUnsigned,
  toFixedVector,
} from "./fixedpoint.js";
export { PACK_WORD_BITS, packSigned, unpackSigned, valuesPerWord } from "./packing.js";
export { MAX_POSEIDON_INPUTS, PACK_HASH_CHUNK_WORDS, packHash, poseidonHash } from "./poseidon.js";
export {
  TAGS,
  adapterCommitment,
  assertDatasetSize,
  baseRoot,
  datasetRoot,
  exampleLeaf,
  hparamsHash,
} from "./commitments.js";
export { buildTree, rootFromProof, verifyProof, type MerkleProof, type MerkleTree } from "./merkle.js";
export { assertStep, batchPositions, commitDataset, type DatasetCommitment } from "./dataset.js";
export {
  checkStep,
  floorDiv,
  forward,
  loraStep,
  meanSquaredError,
  roundHalfUp,
  type ClaimedAdapters,
  type StepCheck,
  type StepGradients,
  type StepInput,
  type StepResult,
} from "./reference.js";
export {
  PUBLIC_SIGNAL_NAMES,
  SUBMITTER_BITS,
  buildCircuitInput,
  makeStep,
  publicSignals,
  type CircuitInput,
  type MadeStep,
  type MakeStepParams,
} from "./circuitInput.js";
export { checkWitness, findWitnessProblems, type WitnessProblem } from "./witnessCheck.js";
export type { Example, StepStatement, StepWitness } from "./types.js";
export {
  makeMerge,
  mergedBits,
  mergedRoot,
  mergedToReal,
  mergedWeights,
  mergePublicSignals,
  type MadeMerge,
  type MergeParams,
  type MergeStatement,
} from "./merge.js";
