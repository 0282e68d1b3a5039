/** Error messages that name the field at fault and say what the witness gives instead. */
import {
  fromFixed,
  entryName,
  type StepCheck,
  type WitnessProblem,
  type CircuitInstance,
  type StepShape,
  type StepWitness,
} from "../../../protocol/index.js";
import { COMMITMENT_INPUTS, commitmentText, type Encoding } from "../values.js";

/** The field of the JSON input each library name stands for. */
export const WITNESS_FIELDS = { aNext: "witness.adapter_a_after", bNext: "witness.adapter_b_after" } as const;

export function stepMessage(
  problem: Extract<WitnessProblem, { kind: "step" }>,
  shape: StepShape,
  encoding: Encoding,
): string {
  return adapterDifferenceMessage(problem.check, shape, encoding, "one step from the adapters before gives");
}

/** `<entry> is <claimed> but <reference> <expected> (off by …)`, in the document's encoding. */
export function adapterDifferenceMessage(
  check: Exclude<StepCheck, { ok: true }>,
  shape: Pick<StepShape, "F">,
  encoding: Encoding,
  reference: string,
): string {
  const entry = entryName(WITNESS_FIELDS[check.field], check.index);
  const sign = check.difference > 0n ? "+" : "";
  if (encoding === "fixed") {
    return `${entry} is ${check.claimed} but ${reference} ${check.expected} (off by ${sign}${check.difference})`;
  }
  return (
    `${entry} is ${fromFixed(check.claimed, shape.F)} but ${reference} ` +
    `${fromFixed(check.expected, shape.F)} (fixed point ${check.claimed} vs ${check.expected}: off by ${sign}${check.difference} × 2^-${shape.F})`
  );
}

/** `statement.<name> is not the commitment of <what>: expected <computed> (computed from the witness), given <stated>`. */
export function notTheCommitment(
  name: string,
  what: string,
  computed: bigint,
  stated: bigint,
): { field: string; message: string } {
  const field = `statement.${name}`;
  // Hashes are read in 0x-hex; integers (the loss, step_submitter's packed step and address) in decimal.
  const input = name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  const text = COMMITMENT_INPUTS.has(input) ? commitmentText : String;
  return {
    field,
    message: `${field} is not the commitment of ${what}: expected ${text(computed)} (computed from the witness), given ${text(stated)}`,
  };
}

export function hyperparameters(instance: CircuitInstance, alpha: bigint, lr: bigint, datasetSize: bigint): string {
  return `the hyperparameters (the shape of ${instance.name}, alpha ${alpha}, learning_rate ${lr} in fixed point, dataset_size ${datasetSize})`;
}

export function commitmentMessage(
  problem: Extract<WitnessProblem, { kind: "commitment" }>,
  context: { instance: CircuitInstance; witness: StepWitness; datasetMode: boolean },
): { field: string; message: string } {
  const { computed, stated } = problem;
  switch (problem.input) {
    case "baseRoot":
      return notTheCommitment("base_root", "witness.base_weights", computed, stated);
    case "adapterBefore":
      return notTheCommitment("adapter_before", "witness.adapter_a and witness.adapter_b", computed, stated);
    case "adapterAfter":
      return notTheCommitment("adapter_after", "witness.adapter_a_after and witness.adapter_b_after", computed, stated);
    case "hparamsHash": {
      const { witness, instance } = context;
      return notTheCommitment(
        "hparams_hash",
        hyperparameters(instance, witness.alpha, witness.lr, witness.datasetSize),
        computed,
        stated,
      );
    }
    case "datasetRoot": {
      if (context.datasetMode || problem.example === undefined) {
        return notTheCommitment(
          "dataset_root",
          `witness.dataset (${context.witness.datasetSize} examples)`,
          computed,
          stated,
        );
      }
      const { index, position } = problem.example;
      return {
        field: "statement.dataset_root",
        message:
          `statement.dataset_root does not match witness.batch[${index}] (position ${position}): its leaf and siblings ` +
          `give ${problem.computed}, the statement gives ${problem.stated}`,
      };
    }
  }
}
