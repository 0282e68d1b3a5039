/** Checks, outside the circuit, every equation the circuit proves between a statement and a witness. */

import { adapterCommitment, baseRoot, datasetRoot, exampleLeaf, hparamsHash } from "./commitments.js";
import { batchPositions } from "./dataset.js";
import { rootFromProof } from "./merkle.js";
import { checkStep } from "./reference.js";
import type { StepShape } from "./shape.js";
import type { StepStatement, StepWitness } from "./types.js";

/**
 * Lists every way `witness` fails to prove `statement` (empty when it proves it), so a prover can
 * say why before running the circuit. Out-of-range values throw instead.
 */
export function checkWitness(shape: StepShape, statement: StepStatement, witness: StepWitness): string[] {
  const problems: string[] = [];
  const expectEqual = (what: string, computed: bigint, stated: bigint): void => {
    if (computed !== stated) problems.push(`${what}: the witness gives ${computed}, the statement says ${stated}`);
  };

  expectEqual("baseRoot", baseRoot(witness.w0, shape), statement.baseRoot);
  expectEqual("adapterBefore", adapterCommitment(witness.a, witness.b, shape), statement.adapterBefore);
  expectEqual("adapterAfter", adapterCommitment(witness.aNext, witness.bNext, shape), statement.adapterAfter);
  expectEqual(
    "hparamsHash",
    hparamsHash(shape, witness.alpha, witness.lr, witness.datasetSize),
    statement.hparamsHash,
  );

  const positions = batchPositions(statement.step, shape, witness.datasetSize);
  positions.forEach((position, j) => {
    const example = witness.examples[j];
    const siblings = witness.siblings[j];
    if (example === undefined || siblings === undefined) {
      problems.push(`batch example ${j} (position ${position}) is missing`);
      return;
    }
    const treeRoot = rootFromProof(exampleLeaf(example.x, example.t, shape, `examples[${j}]`), position, siblings);
    expectEqual(
      `datasetRoot through batch example ${j} (position ${position})`,
      datasetRoot(treeRoot, witness.datasetSize),
      statement.datasetRoot,
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
  if (!step.ok) problems.push(`adapters after are not one step from those before: ${step.message}`);
  return problems;
}
