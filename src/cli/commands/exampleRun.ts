/**
 * `example` for protocol version 2 (PROTOCOL §11–§13): a valid `prove` input for a checkpoint, a run
 * start, a projection block or a merge block of one deterministic run: syntheticTask(seed)'s base layer
 * and dataset, set up with setUpRun, started from the canonical initialization of the same seed (B = 0),
 * and trained with the reference.
 */
import {
  adapterBeforeRunStep,
  adapterCommitment,
  baseProjection,
  canonicalInit,
  makeRunCheckpoint,
  mergeBlockInput,
  mergeInBlocks,
  projectionBlockInput,
  runStartStatement,
  setUpRun,
  syntheticTask,
  type ActivatedExample,
  type Adapter,
  checkpointShapeOf,
  type CircuitInstance,
} from "../../protocol/index.js";
import { companionInstance, defaultInstance, getInstance } from "../../node/index.js";
import {
  checkTrainable,
  checkedDatasetSize,
  checkedStep,
  checkedSubmitter,
  encodedMatrix,
  type Written,
} from "./example.js";
import { fail } from "./json.js";
import { checkBlockIndex, normalizedPublicStatement } from "./runStatements.js";
import { addressOf, commitmentText, encodeEntry, type Encoding } from "./values.js";

/** The version-2 documents `example --kind` writes, and the template of each one's instance. */
export const RUN_EXAMPLE_KINDS = {
  checkpoint: "LoraCheckpoint",
  start: "LoraRunStart",
  projection: "BaseProjectionBlock",
  "merge-block": "LoraMergeBlock",
} as const;
export type RunExampleKind = keyof typeof RUN_EXAMPLE_KINDS;

/** The example kind an instance's template stands for, if it is one of version 2's. */
export function runExampleKindOf(template: CircuitInstance["template"]): RunExampleKind | undefined {
  return (Object.keys(RUN_EXAMPLE_KINDS) as RunExampleKind[]).find((kind) => RUN_EXAMPLE_KINDS[kind] === template);
}

export interface RunExampleOptions {
  readonly kind?: RunExampleKind;
  /** an instance of the kind's template (default: the default checkpoint instance's companion) */
  readonly instance?: string;
  /** checkpoint: its first step, a multiple of k; merge block: the adapter the checkpoint at `step` ends with */
  readonly step?: bigint;
  readonly seed?: number;
  readonly encoding?: Encoding;
  readonly submitter?: string;
  readonly datasetSize?: number;
  /** checkpoint: the k batches with Merkle siblings instead of the whole dataset */
  readonly batchOnly?: boolean;
  /** projection and merge block: the column block (default 0) */
  readonly block?: bigint;
}

/** Options that do not apply to a kind (exit 3 when given). */
const NOT_APPLICABLE: Record<RunExampleKind, readonly (keyof RunExampleOptions)[]> = {
  checkpoint: ["block"],
  start: ["step", "submitter", "batchOnly", "block"],
  projection: ["step", "submitter", "batchOnly"],
  "merge-block": ["submitter", "batchOnly"],
};

const OPTION_NAMES: Partial<Record<keyof RunExampleOptions, string>> = {
  batchOnly: "--batch",
  datasetSize: "--dataset-size",
};

/** The kind and instance an example is for: from --kind, --instance, or both when they agree. */
function resolveInstance(options: RunExampleOptions): { kind: RunExampleKind; instance: CircuitInstance } {
  if (options.instance !== undefined) {
    const instance = getInstance(options.instance);
    const kind = runExampleKindOf(instance.template);
    if (kind === undefined || (options.kind !== undefined && options.kind !== kind)) {
      fail(
        "missing_field",
        "--kind",
        `--kind ${options.kind ?? "(none)"} does not match --instance ${instance.name}, a ${instance.template} instance`,
      );
    }
    return { kind, instance };
  }
  const kind = options.kind ?? "checkpoint";
  const checkpoint = defaultInstance("LoraCheckpoint");
  return { kind, instance: companionOf(checkpoint, RUN_EXAMPLE_KINDS[kind]) };
}

function companionOf(instance: CircuitInstance, template: CircuitInstance["template"]): CircuitInstance {
  if (instance.template === template) return instance;
  const found = companionInstance(instance, template);
  if (found === undefined) {
    fail(
      "unknown_instance",
      "--instance",
      `circuits/instances.json declares no ${template} instance with the parameters of ${instance.name}`,
    );
  }
  return found;
}

/** A first step of a checkpoint: a multiple of k that example can train up to (exit 5). */
function checkpointStep(step: bigint | undefined, k: number): bigint {
  const first = checkedStep(step);
  if (first % BigInt(k) !== 0n) {
    fail(
      "out_of_range",
      "--step",
      `--step ${first} is not a multiple of k = ${k}: a run's checkpoints start at steps 0, ${k}, ${2 * k}, …`,
    );
  }
  checkTrainable(first);
  return first;
}

/** The run every version-2 example belongs to, for a step shape. */
function exampleRun(instance: CircuitInstance, seed: number, datasetSize: number) {
  const shape = instance.params;
  const task = syntheticTask(shape, { seed, datasetSize });
  const run = setUpRun({ ...task, shape });
  const start: Adapter = canonicalInit(BigInt(seed), shape);
  return { task, run, start };
}

/** The JSON document `prove` reads for a version-2 statement. */
export function exampleRunDocument(options: RunExampleOptions): Record<string, unknown> {
  const { kind, instance } = resolveInstance(options);
  for (const option of NOT_APPLICABLE[kind]) {
    if (options[option] !== undefined) {
      const name = OPTION_NAMES[option] ?? `--${option}`;
      fail("missing_field", name, `${name} does not apply to a ${kind} example`);
    }
  }
  const shape = instance.params;
  const encoding = options.encoding ?? "real";
  const seed = options.seed ?? 1;
  const datasetSize = checkedDatasetSize(options.datasetSize, shape.depth);
  const { task, run, start } = exampleRun(instance, seed, datasetSize);
  const matrix = (m: readonly (readonly bigint[])[], scaleBits: number): Written[][] =>
    encodedMatrix(m, scaleBits, encoding);
  const blockIndex = (): number => {
    const block = options.block ?? 0n;
    checkBlockIndex("--block", block, instance);
    return Number(block);
  };
  const document = (statement: Record<string, unknown>, witness?: Record<string, unknown>) => ({
    instance: instance.name,
    encoding,
    statement,
    ...(witness === undefined ? {} : { witness }),
  });

  switch (kind) {
    case "start": {
      const seedValue = BigInt(seed);
      const statement = runStartStatement(run.config, {
        seed: seedValue,
        adapterStart: adapterCommitment(start.a, start.b, shape),
      });
      return document(normalizedPublicStatement("LoraRunStart", statement, instance, encoding));
    }
    case "projection": {
      const { base, commitment } = run;
      const projection = baseProjection(task.w0, base, commitment.datasetRoot);
      const block = projectionBlockInput(task.w0, base, projection, commitment.datasetRoot, blockIndex());
      return document(normalizedPublicStatement("BaseProjectionBlock", block.statement, instance, encoding), {
        base_weights: matrix(task.w0, shape.FW),
      });
    }
    case "merge-block": {
      // The adapter the checkpoint example with the same --step ends with (its adapter_after).
      const k = checkpointShapeOf(companionOf(instance, "LoraCheckpoint")).steps;
      const step = checkpointStep(options.step, k);
      const head = adapterBeforeRunStep(shape, run.config, run.dataset, start, step + BigInt(k));
      const merged = mergeInBlocks(shape, task.w0, head.a, head.b, task.alpha);
      const params = { w0: task.w0, a: head.a, b: head.b, alpha: task.alpha, base: run.base, merged };
      const block = mergeBlockInput(shape, params, blockIndex());
      return document(normalizedPublicStatement("LoraMergeBlock", block.statement, instance, encoding), {
        base_weights: matrix(task.w0, shape.FW),
        adapter_a: matrix(head.a, shape.F),
        adapter_b: matrix(head.b, shape.F),
      });
    }
    case "checkpoint":
      return checkpointDocument(instance, options, { task, run, start, datasetSize, encoding });
  }
}

/** Checkpoint `--step N` of the run: its adapter before is the run's after N steps from the start. */
function checkpointDocument(
  instance: CircuitInstance,
  options: RunExampleOptions,
  context: ReturnType<typeof exampleRun> & { datasetSize: number; encoding: Encoding },
): Record<string, unknown> {
  const { task, run, start, encoding } = context;
  const shape = checkpointShapeOf(instance);
  const step = checkpointStep(options.step, shape.steps);
  const submitter = BigInt(checkedSubmitter(options.submitter));
  const adapter = adapterBeforeRunStep(shape, run.config, run.dataset, start, step);
  const made = makeRunCheckpoint(run, { shape, adapter, firstStep: step, submitter });
  const after = made.witness.adapters[shape.steps] as Adapter;
  const matrix = (m: readonly (readonly bigint[])[], scaleBits: number): Written[][] =>
    encodedMatrix(m, scaleBits, encoding);
  const vector = (v: readonly bigint[], scaleBits: number): Written[] =>
    v.map((value) => encodeEntry(value, scaleBits, encoding));
  const example = (e: ActivatedExample) => ({
    x: vector(e.x, shape.F),
    t: vector(e.t, shape.F),
    z: vector(e.z, shape.F + shape.FW),
  });
  const { statement } = made;
  return {
    instance: instance.name,
    encoding,
    statement: {
      run_config: commitmentText(statement.runConfig),
      adapter_before: commitmentText(statement.adapterBefore),
      adapter_after: commitmentText(statement.adapterAfter),
      step: Number(step),
      submitter: addressOf(submitter),
      loss: statement.loss.toString(),
      base_root: commitmentText(run.config.baseRoot),
      dataset_root: commitmentText(run.config.datasetRoot),
      projection_id: commitmentText(run.config.projection),
      alpha: encodeEntry(task.alpha, shape.F, encoding),
      learning_rate: encodeEntry(task.lr, shape.F, encoding),
      dataset_size: context.datasetSize,
    },
    witness: {
      adapter_a: matrix(adapter.a, shape.F),
      adapter_b: matrix(adapter.b, shape.F),
      adapter_a_after: matrix(after.a, shape.F),
      adapter_b_after: matrix(after.b, shape.F),
      projection_w: run.projection.w.map(String),
      ...(options.batchOnly === true
        ? {
            batches: made.witness.batches.map((batch) =>
              batch.examples.map((e, j) => ({
                position: batch.positions[j],
                ...example(e),
                siblings: (batch.siblings[j] ?? []).map(String),
              })),
            ),
          }
        : { dataset: run.dataset.map(example) }),
    },
  };
}
