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

/** A dataset example {x, t} and a batch example {position, x, t, siblings} (version 2 adds z to both). */
export function exampleSchemas(encoding: Encoding) {
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
  return { example, batchExample };
}

export function proveSchema(encoding: Encoding) {
  const matrix = matrixSchema(encoding);
  const { example, batchExample } = exampleSchemas(encoding);
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

/**
 * The witness gives the whole dataset or only the batches with Merkle siblings, exactly one of them
 * (exit 3); with the batches, the statement must give the dataset size.
 */
export function requireOneExampleSource(witness: { dataset?: unknown }, batches: unknown, batchKey: string): void {
  const what = batchKey === "batch" ? "the batch of this step" : "the batches of its steps";
  if ((witness.dataset === undefined) === (batches === undefined)) {
    fail(
      "missing_field",
      "witness.dataset",
      witness.dataset === undefined
        ? `witness.dataset or witness.${batchKey} is missing: give the whole dataset, or ${what} with Merkle siblings`
        : `witness has both dataset and ${batchKey}: give one of them`,
    );
  }
}

/** With only the batches in the witness, the dataset size is the statement's (exit 3 when it is missing). */
export function requireSizeWithBatches(batches: unknown, batchKey: string, statedSize: bigint | undefined): void {
  if (batches !== undefined && statedSize === undefined) {
    fail(
      "missing_field",
      "statement.dataset_size",
      `statement.dataset_size is missing: it is needed when the witness gives ${batchKey === "batch" ? "a batch" : "batches"} instead of the whole dataset`,
    );
  }
}

/** A whole dataset holds 1 to 2^depth examples (exit 4). */
export function checkDatasetLength(field: string, length: number, depth: number): void {
  const capacity = 2 ** depth;
  if (length < 1 || length > capacity) {
    fail("wrong_shape", field, `${field} has ${length} examples; depth ${depth} allows 1 to ${capacity}`);
  }
}

/** An adapter's A (rank × d_in) and B (d_out × rank), before or `_after` (exit 4). */
export function shapeAdapter<S extends "" | "_after">(
  d: ReturnType<typeof dims>,
  raw: Record<`adapter_a${S}` | `adapter_b${S}`, RawMatrix>,
  suffix: S,
): { a: Entry[][]; b: Entry[][] } {
  const aKey: `adapter_a${S}` = `adapter_a${suffix}`;
  const bKey: `adapter_b${S}` = `adapter_b${suffix}`;
  return {
    a: asMatrix(`witness.${aKey}`, raw[aKey], d.rank, d.dIn),
    b: asMatrix(`witness.${bKey}`, raw[bKey], d.dOut, d.rank),
  };
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
  const w0Raw = asMatrix("witness.base_weights", rawWitness.base_weights, d.dOut, d.dIn);
  const adapter = shapeAdapter(d, rawWitness, "");
  return { instance, shape, d, w0Raw, aRaw: adapter.a, bRaw: adapter.b };
}
