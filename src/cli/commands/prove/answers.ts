/** What `prove` answers, and what it has checked before proving. */
import {
  type MergeStatement,
  type CircuitInstance,
  type Groth16Proof,
  type StepStatement,
  type StepWitness,
} from "../../../protocol/index.js";
import { type Encoding, type NamedMergePublicInputs, type NamedPublicInputs } from "../values.js";
import type { RunTemplate } from "../runStatements.js";

/** A step checked and ready to prove: everything but the proof. */
export interface PreparedStep {
  readonly instance: CircuitInstance;
  readonly encoding: Encoding;
  readonly statement: StepStatement;
  readonly witness: StepWitness;
  readonly positions: readonly number[];
  readonly loss: number;
  /** the statement as given, completed (rank, alpha, learning_rate, dataset_size) and normalized */
  readonly normalizedStatement: NormalizedStatement;
}

export interface NormalizedStatement extends NamedPublicInputs {
  rank: number;
  alpha: number | string;
  learning_rate: number | string;
  dataset_size: number;
}

/** Arguments of the generated verifier's verifyProof(a, b, c, input), as decimal strings. */
export interface Calldata {
  a: [string, string];
  b: [[string, string], [string, string]];
  c: [string, string];
  input: string[];
}

/** What every proof answer's metadata has. */
export interface ProofMetadata {
  constraints: number;
  proof_size_bytes: number;
  witness_seconds: number;
  proving_seconds: number;
}

export interface ProveAnswer {
  success: true;
  instance: string;
  encoding: Encoding;
  statement: NormalizedStatement;
  proof: Groth16Proof;
  public_signals: string[];
  public_inputs: NamedPublicInputs;
  calldata: Calldata;
  metadata: ProofMetadata & {
    loss: number;
    batch_positions: number[];
  };
}

/** A merge statement as given, completed (merged_root, rank, hyperparameters) and normalized. */
export interface NormalizedMergeStatement extends NamedMergePublicInputs {
  rank: number;
  alpha: number | string;
  learning_rate: number | string;
  dataset_size: number;
}

/** The answer of `prove` for a merge: as for a step, plus the merged weights. */
export interface MergeProveAnswer {
  success: true;
  instance: string;
  encoding: Encoding;
  statement: NormalizedMergeStatement;
  proof: Groth16Proof;
  public_signals: string[];
  public_inputs: NamedMergePublicInputs;
  calldata: Calldata;
  /** W_eff = W0 + α B A exactly (PROTOCOL §9) */
  merged_weights: MergedWeights;
  metadata: ProofMetadata;
}

/** Merged weights as exact integers (decimal strings) at scale 2^scale_bits. */
export interface MergedWeights {
  values: string[][];
  scale_bits: number;
  note: string;
}

/** A version-2 proof (PROTOCOL §11–§13) checked and ready: everything but the proof. */
export interface PreparedRunProof {
  readonly instance: CircuitInstance;
  readonly template: RunTemplate;
  readonly encoding: Encoding;
  /** the public signals, in the template's order */
  readonly signals: readonly bigint[];
  readonly circuitInput: Record<string, unknown>;
  /** the statement as given, completed and normalized */
  readonly normalizedStatement: Record<string, string | number>;
  /** what is proven, for the progress line */
  readonly summary: string;
  /** what the answer's metadata adds to the proof's (a checkpoint's loss and batch positions) */
  readonly metadata: Record<string, unknown>;
  /** a merge block's merged weights */
  readonly mergedWeights?: MergedWeights;
}

/** The answer of `prove` for a version-2 statement: as for a step; public_inputs are the signals by name. */
export interface RunProveAnswer {
  success: true;
  instance: string;
  encoding: Encoding;
  statement: Record<string, string | number>;
  proof: Groth16Proof;
  public_signals: string[];
  public_inputs: Record<string, string>;
  calldata: Calldata;
  merged_weights?: MergedWeights;
  metadata: ProofMetadata & Record<string, unknown>;
}

/** A merge checked and ready to prove: everything but the proof. */
export interface PreparedMerge {
  readonly instance: CircuitInstance;
  readonly encoding: Encoding;
  readonly statement: MergeStatement;
  /** W_eff = W0 + α B A, integers at scale 2^3F */
  readonly merged: bigint[][];
  readonly circuitInput: Record<string, unknown>;
  readonly normalizedStatement: NormalizedMergeStatement;
}
