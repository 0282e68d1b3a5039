/** `prove` for a merge (PROTOCOL §9): the exact merged weights of an adapter, checked in the order of a step's. */
import { makeMerge, mergePublicSignals, MERGE_PUBLIC_INPUTS } from "../../../protocol/index.js";
import { noProgress, type Progress } from "../../../node/index.js";
import { fail, parseWith } from "../json.js";
import {
  checkDatasetSize,
  encodeEntry,
  fixedHparam,
  fixedMatrix,
  mergeStatementValues,
  namedMergePublicInputs,
} from "../values.js";
import { headSchema, instanceAndAdapterShapes, proveMergeSchema, requireHparam } from "./document.js";
import { hyperparameters, notTheCommitment } from "./messages.js";
import type { MergeProveAnswer, PreparedMerge } from "./answers.js";
import { proveChecked } from "./proof.js";

/**
 * A merge document's checks, in the order of a step's: fields (3), instance (7), shapes (4), ranges
 * (5), the statement against the witness (8: base_root, adapter, hparams_hash, then merged_root when
 * given; it is computed when omitted).
 */
export function prepareMerge(document: unknown): PreparedMerge {
  // 3
  const head = parseWith(headSchema, document);
  const parsed = parseWith(proveMergeSchema(head.encoding), document);
  const { statement: raw, witness: rawWitness } = parsed;
  const encoding = head.encoding;
  const rawAlpha = requireHparam(raw, "alpha");
  const rawLr = requireHparam(raw, "learning_rate");
  const rawSize = raw.dataset_size;
  if (rawSize === undefined) {
    fail(
      "missing_field",
      "statement.dataset_size",
      "statement.dataset_size is missing: prove needs it, hparams_hash commits to it",
    );
  }

  // 7 (the instance fixes every shape), then 4 (shapes) for what steps and merges share.
  const { instance, shape, w0Raw, aRaw, bRaw } = instanceAndAdapterShapes(parsed.instance, raw.rank, rawWitness);

  // 5
  const given = mergeStatementValues(raw);
  const alpha = fixedHparam("statement.alpha", rawAlpha, shape.F);
  const lr = fixedHparam("statement.learning_rate", rawLr, shape.F);
  checkDatasetSize("statement.dataset_size", rawSize, shape);
  const w0 = fixedMatrix("witness.base_weights", w0Raw, shape.FW, shape.wBits);
  const a = fixedMatrix("witness.adapter_a", aRaw, shape.F, shape.aBits);
  const b = fixedMatrix("witness.adapter_b", bRaw, shape.F, shape.aBits);

  // 8
  const made = makeMerge({ shape, w0, a, b, alpha, lr, datasetSize: rawSize });
  const computed = made.statement;
  const mismatches = [
    { name: "base_root", what: "witness.base_weights", computed: computed.baseRoot, stated: given.baseRoot },
    {
      name: "adapter",
      what: "witness.adapter_a and witness.adapter_b",
      computed: computed.adapter,
      stated: given.adapter,
    },
    {
      name: "hparams_hash",
      what: hyperparameters(instance, alpha, lr, rawSize),
      computed: computed.hparamsHash,
      stated: given.hparamsHash,
    },
    {
      name: "merged_root",
      what: "the merged weights W0 + alpha B A of the witness (PROTOCOL §9)",
      computed: computed.mergedRoot,
      stated: given.mergedRoot ?? computed.mergedRoot,
    },
  ];
  for (const mismatch of mismatches) {
    if (mismatch.computed !== mismatch.stated) {
      const { field, message } = notTheCommitment(mismatch.name, mismatch.what, mismatch.computed, mismatch.stated);
      fail("statement_mismatch", field, message);
    }
  }
  return {
    instance,
    encoding,
    statement: computed,
    merged: made.merged,
    circuitInput: made.circuitInput,
    normalizedStatement: {
      ...namedMergePublicInputs(computed),
      rank: shape.rank,
      alpha: encodeEntry(alpha, shape.F, encoding),
      learning_rate: encodeEntry(lr, shape.F, encoding),
      dataset_size: Number(rawSize),
    },
  };
}

/** Checks a merge's prove document and proves it. */
export async function proveMergeDocument(
  document: unknown,
  progress: Progress = noProgress,
): Promise<MergeProveAnswer> {
  const prepared = prepareMerge(document);
  const { instance, statement } = prepared;
  const shape = instance.params;
  progress.step(
    `${instance.name}: merging a rank-${shape.rank} adapter into ${shape.dOut}x${shape.dIn} base weights; ` +
      `the witness gives merged root ${statement.mergedRoot}`,
  );
  const proven = await proveChecked(
    instance,
    prepared.circuitInput,
    mergePublicSignals(statement),
    MERGE_PUBLIC_INPUTS,
    progress,
  );
  const scaleBits = 3 * shape.F;
  return {
    success: true,
    instance: instance.name,
    encoding: prepared.encoding,
    statement: prepared.normalizedStatement,
    proof: proven.result.proof,
    public_signals: proven.result.publicSignals,
    public_inputs: namedMergePublicInputs(statement),
    calldata: proven.calldata,
    merged_weights: {
      values: prepared.merged.map((row) => row.map((value) => value.toString())),
      scale_bits: scaleBits,
      note:
        `W_eff = W0 + alpha B A exactly, d_out rows x d_in: integers at scale 2^${scaleBits} (2^3F, F = ${shape.F}); ` +
        `the real weight is value / 2^${scaleBits}. merged_root commits to them (PROTOCOL §9)`,
    },
    metadata: proven.metadata,
  };
}
