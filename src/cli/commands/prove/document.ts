/** The prove document's structure (PROTOCOL §7, docs/COMMANDS.md), and what steps and merges check alike. */
import { z } from "zod";
import { getInstance } from "../../../node/index.js";
import { expected, fail, fieldElementSchema } from "../json.js";
import {
  asMatrix,
  dims,
  encodingSchema,
  matrixSchema,
  mergeStatementSchema,
  statementSchema,
  vectorSchema,
  type Encoding,
  type Entry,
  type RawMatrix,
  type RawStatement,
} from "../values.js";

export const headSchema = z.object(
  {
    instance: z.string({ error: expected("the name of a circuit instance") }),
    encoding: encodingSchema,
  },
  { error: expected("a JSON object") },
);

export function proveSchema(encoding: Encoding) {
  const matrix = matrixSchema(encoding);
  const vector = vectorSchema(encoding);
  const example = z.object({ x: vector, t: vector }, { error: expected('an example {"x": [...], "t": [...]}') });
  const batchExample = z.object(
    {
      position: z
        .number({ error: expected("a non-negative integer") })
        .int()
        .nonnegative(),
      x: vector,
      t: vector,
      siblings: z.array(fieldElementSchema, { error: expected("an array of field elements") }),
    },
    { error: expected('a batch example {"position", "x", "t", "siblings"}') },
  );
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    statement: statementSchema(encoding),
    witness: z.object(
      {
        base_weights: matrix,
        adapter_a: matrix,
        adapter_b: matrix,
        adapter_a_after: matrix,
        adapter_b_after: matrix,
        dataset: z.array(example, { error: expected("an array of examples") }).optional(),
        batch: z.array(batchExample, { error: expected("an array of batch examples") }).optional(),
      },
      { error: expected("an object") },
    ),
  });
}
export type ProveDocument = z.output<ReturnType<typeof proveSchema>>;

export function proveMergeSchema(encoding: Encoding) {
  const matrix = matrixSchema(encoding);
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    statement: mergeStatementSchema(encoding, true),
    witness: z.object({ base_weights: matrix, adapter_a: matrix, adapter_b: matrix }, { error: expected("an object") }),
  });
}

export function requireHparam(
  raw: Pick<RawStatement, "alpha" | "learning_rate">,
  name: "alpha" | "learning_rate",
): Entry {
  const value = raw[name];
  if (value === undefined) {
    fail(
      "missing_field",
      `statement.${name}`,
      `statement.${name} is missing: prove needs the hyperparameters that hparams_hash commits to (alpha, learning_rate)`,
    );
  }
  return value;
}

/** Resolves the instance (exit 7) and checks the statement's rank and the shapes of W0, A and B (exit 4). */
export function instanceAndAdapterShapes(
  instanceName: string,
  rank: number | undefined,
  rawWitness: { base_weights: RawMatrix; adapter_a: RawMatrix; adapter_b: RawMatrix },
) {
  const instance = getInstance(instanceName);
  const shape = instance.params;
  const d = dims(shape);
  if (rank !== undefined && rank !== shape.rank) {
    fail(
      "wrong_shape",
      "statement.rank",
      `statement.rank is ${rank} but instance ${instance.name} has rank ${shape.rank}`,
    );
  }
  return {
    instance,
    shape,
    d,
    w0Raw: asMatrix("witness.base_weights", rawWitness.base_weights, d.dOut, d.dIn),
    aRaw: asMatrix("witness.adapter_a", rawWitness.adapter_a, d.rank, d.dIn),
    bRaw: asMatrix("witness.adapter_b", rawWitness.adapter_b, d.dOut, d.rank),
  };
}
