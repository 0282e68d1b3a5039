/** Checks, outside the circuit, every equation the circuit proves between a statement and a witness. */

import { adapterCommitment, baseRoot, datasetRoot, exampleLeaf, hparamsHash } from "./commitments.js";
import { batchPositions } from "./dataset.js";
import { rootFromProof } from "./merkle.js";
import { checkStep, type StepCheck } from "./reference.js";
import type { StepShape } from "./shape.js";
import type { StepStatement, StepWitness } from "./types.js";

/** One way a witness fails to prove a statement, with the values involved (for messages that name fields). */
export type WitnessProblem =
  | {
      readonly kind: "commitment";
      /** the public input that does not match */
      readonly input: "baseRoot" | "adapterBefore" | "adapterAfter" | "hparamsHash" | "datasetRoot";
      /** the value computed from the witness */
      readonly computed: bigint;
      /** the value the statement gives */
      readonly stated: bigint;
      /** for datasetRoot: the batch example whose Merkle path gives `computed` */
      readonly example?: { readonly index: number; readonly position: number };
      readonly message: string;
    }
  | { readonly kind: "missingExample"; readonly index: number; readonly position: number; readonly message: string }
  | { readonly kind: "step"; readonly check: Exclude<StepCheck, { ok: true }>; readonly message: string };

/**
 * Every way `witness` fails to prove `statement` (empty when it proves it), in a fixed order:
 * baseRoot, adapterBefore, adapterAfter, hparamsHash, the dataset paths, then the step itself.
 * Out-of-range values throw instead.
 */
export function findWitnessProblems(
  shape: StepShape,
  statement: StepStatement,
  witness: StepWitness,
): WitnessProblem[] {
  const problems: WitnessProblem[] = [];
  const expectEqual = (
    input: "baseRoot" | "adapterBefore" | "adapterAfter" | "hparamsHash" | "datasetRoot",
    what: string,
    computed: bigint,
    stated: bigint,
    example?: { index: number; position: number },
  ): void => {
    if (computed !== stated) {
      const message = `${what}: the witness gives ${computed}, the statement says ${stated}`;
      problems.push(
        example === undefined
          ? { kind: "commitment", input, computed, stated, message }
          : { kind: "commitment", input, computed, stated, example, message },
      );
    }
  };

  expectEqual("baseRoot", "baseRoot", baseRoot(witness.w0, shape), statement.baseRoot);
  expectEqual(
    "adapterBefore",
    "adapterBefore",
    adapterCommitment(witness.a, witness.b, shape),
    statement.adapterBefore,
  );
  expectEqual(
    "adapterAfter",
    "adapterAfter",
    adapterCommitment(witness.aNext, witness.bNext, shape),
    statement.adapterAfter,
  );
  expectEqual(
    "hparamsHash",
    "hparamsHash",
    hparamsHash(shape, witness.alpha, witness.lr, witness.datasetSize),
    statement.hparamsHash,
  );

  const positions = batchPositions(statement.step, shape, witness.datasetSize);
  positions.forEach((position, j) => {
    const example = witness.examples[j];
    const siblings = witness.siblings[j];
    if (example === undefined || siblings === undefined) {
      problems.push({
        kind: "missingExample",
        index: j,
        position,
        message: `batch example ${j} (position ${position}) is missing`,
      });
      return;
    }
    const treeRoot = rootFromProof(exampleLeaf(example.x, example.t, shape, `examples[${j}]`), position, siblings);
    expectEqual(
      "datasetRoot",
      `datasetRoot through batch example ${j} (position ${position})`,
      datasetRoot(treeRoot, witness.datasetSize),
      statement.datasetRoot,
      { index: j, position },
    );
  });

  const step = checkStep(
    {
      shape,
      w0: witness.w0,
      a: witness.a,
      b: witness.b,
      alpha: witness.alpha,
      lr: witness.lr,
      xs: witness.examples.map((example) => example.x),
      ts: witness.examples.map((example) => example.t),
    },
    { aNext: witness.aNext, bNext: witness.bNext },
  );
  if (!step.ok) {
    problems.push({
      kind: "step",
      check: step,
      message: `adapters after are not one step from those before: ${step.message}`,
    });
  }
  return problems;
}

/**
 * Lists every way `witness` fails to prove `statement` (empty when it proves it), so a prover can
 * say why before running the circuit. Out-of-range values throw instead.
 */
export function checkWitness(shape: StepShape, statement: StepStatement, witness: StepWitness): string[] {
  return findWitnessProblems(shape, statement, witness).map((problem) => problem.message);
}
