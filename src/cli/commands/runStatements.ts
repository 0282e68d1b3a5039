/**
 * Protocol version 2's statements (PROTOCOL §11–§13) as the commands write them: snake_case JSON,
 * checked in the commands' order (schema 3, range 5). The checkpoint's statement packs the step and
 * the submitter into one public input and binds the run's configuration by its hash; the run start,
 * the projection block and the merge block have only public inputs, one spec per template.
 */

import { z } from "zod";
import {
  CHECKPOINT_PUBLIC_INPUTS,
  TEMPLATES,
  baseLayout,
  packStepSubmitter,
  type CheckpointStatement,
  type CircuitInstance,
  type RunConfig,
} from "../../protocol/index.js";
import { addressSchema, fail, fieldElementSchema } from "./json.js";
import {
  assertInField,
  encodeEntry,
  hparamSchema,
  integerSchema,
  nonZeroHparam,
  publicValueText,
  snakeCase,
  stepAndSubmitterValues,
  type Encoding,
  type Entry,
} from "./values.js";
import { expected } from "./json.js";

/** The templates whose statement is made of public inputs only. */
export type PublicStatementTemplate = "LoraRunStart" | "BaseProjectionBlock" | "LoraMergeBlock";
export type RunTemplate = PublicStatementTemplate | "LoraCheckpoint";

/** A public input's name in the documents: snake_case, and `learning_rate` for lr as in every document. */
export function documentFieldName(input: string): string {
  return input === "lr" ? "learning_rate" : snakeCase(input);
}

/** The public signals by name, commitments in 0x-hex and integers in decimal: the `public_inputs` of a version-2 answer. */
export function namedSignals(template: RunTemplate, signals: readonly bigint[]): Record<string, string> {
  return Object.fromEntries(
    TEMPLATES[template].publicInputs.map((input: string, i) => [
      documentFieldName(input),
      publicValueText(input, signals[i] ?? 0n),
    ]),
  );
}

/** How a public input is written and range-checked. */
type InputKind = "field" | "hparam" | "flag" | "blockIndex";

interface InputSpec {
  readonly kind: InputKind;
  /** prove computes it from the witness when the statement omits it (verify needs it) */
  readonly derived?: true;
}

/** Every public input of the all-public statements, by template (their order is circuits/instances.json's). */
const PUBLIC_STATEMENT_SPECS: Record<PublicStatementTemplate, Readonly<Record<string, InputSpec>>> = {
  LoraRunStart: {
    runConfig: { kind: "field", derived: true },
    adapterStart: { kind: "field", derived: true },
    seed: { kind: "field" },
    fromHead: { kind: "flag" },
    baseRoot: { kind: "field" },
    datasetRoot: { kind: "field" },
    projectionId: { kind: "field" },
    alpha: { kind: "hparam" },
    lr: { kind: "hparam" },
  },
  BaseProjectionBlock: {
    baseRoot: { kind: "field" },
    datasetRoot: { kind: "field" },
    blockIndex: { kind: "blockIndex" },
    accIn: { kind: "field", derived: true },
    accOut: { kind: "field", derived: true },
  },
  LoraMergeBlock: {
    baseRoot: { kind: "field" },
    adapter: { kind: "field" },
    alpha: { kind: "hparam" },
    blockIndex: { kind: "blockIndex" },
    accIn: { kind: "field", derived: true },
    accOut: { kind: "field", derived: true },
  },
};

function specOf(template: PublicStatementTemplate, input: string): InputSpec {
  const spec = PUBLIC_STATEMENT_SPECS[template][input];
  if (spec === undefined) throw new Error(`no statement spec for ${template}.${input}`);
  return spec;
}

function inputSchema(kind: InputKind, encoding: Encoding): z.ZodType<Entry> {
  switch (kind) {
    case "field":
      return fieldElementSchema;
    case "hparam":
      return hparamSchema(encoding);
    case "flag":
      return integerSchema("0 or 1");
    case "blockIndex":
      return integerSchema("a non-negative integer, the index of a column block of the base model");
  }
}

export type RawPublicStatement = Partial<Record<string, Entry>>;

/** The statement's schema; for `prove`, the derived inputs may be omitted. */
export function publicStatementSchema(
  template: PublicStatementTemplate,
  encoding: Encoding,
  forProve: boolean,
): z.ZodType<RawPublicStatement> {
  const shape = Object.fromEntries(
    TEMPLATES[template].publicInputs.map((input: string) => {
      const spec = specOf(template, input);
      const schema = inputSchema(spec.kind, encoding);
      return [documentFieldName(input), forProve && spec.derived === true ? schema.optional() : schema];
    }),
  );
  return z.object(shape, { error: expected("an object") });
}

/** Public input name → value, range-checked (exit 5); a derived input the statement omits is undefined. */
export type PublicStatementValues = Partial<Record<string, bigint>>;

/** A column block index of the instance's base layout: [0, blocks) (exit 5). */
export function checkBlockIndex(field: string, index: bigint, instance: CircuitInstance): void {
  const { blocks } = baseLayout(instance.params.dIn, instance.params.dOut);
  if (index < 0n || index >= BigInt(blocks)) {
    fail(
      "out_of_range",
      field,
      `${field} = ${index} is outside [0, ${blocks}): a ${instance.params.dOut}x${instance.params.dIn} base model has ` +
        `${blocks} column block${blocks === 1 ? "" : "s"} (PROTOCOL §11)`,
    );
  }
}

export function publicStatementValues(
  template: PublicStatementTemplate,
  raw: RawPublicStatement,
  instance: CircuitInstance,
): PublicStatementValues {
  const values: PublicStatementValues = {};
  for (const input of TEMPLATES[template].publicInputs) {
    const name = documentFieldName(input);
    const field = `statement.${name}`;
    const value = raw[name];
    if (value === undefined) continue;
    switch (specOf(template, input).kind) {
      case "field":
        assertInField(field, BigInt(value));
        values[input] = BigInt(value);
        break;
      case "hparam":
        values[input] = nonZeroHparam(field, value, instance.params.F);
        break;
      case "flag":
        if (value !== 0n && value !== 1n) {
          fail("out_of_range", field, `${field} = ${value} is outside {0, 1}`);
        }
        values[input] = value;
        break;
      case "blockIndex":
        checkBlockIndex(field, BigInt(value), instance);
        values[input] = BigInt(value);
        break;
    }
  }
  return values;
}

/** The complete statement as the answer writes it: commitments in 0x-hex, α and lr in the encoding. */
export function normalizedPublicStatement(
  template: PublicStatementTemplate,
  statement: object,
  instance: CircuitInstance,
  encoding: Encoding,
): Record<string, string | number> {
  const values = new Map<string, unknown>(Object.entries(statement));
  return Object.fromEntries(
    TEMPLATES[template].publicInputs.map((input: string) => {
      const value = values.get(input);
      if (typeof value !== "bigint") throw new Error(`the ${template} statement has no ${input}`);
      const kind = specOf(template, input).kind;
      const written =
        kind === "hparam"
          ? encodeEntry(value, instance.params.F, encoding)
          : kind === "field"
            ? publicValueText(input, value)
            : Number(value);
      return [documentFieldName(input), written];
    }),
  );
}

/** The names of the run configuration's fields, as the checkpoint statement writes them. */
export const RUN_CONFIG_FIELDS = ["base_root", "dataset_root", "projection_id", "alpha", "learning_rate"] as const;

/**
 * A checkpoint's statement (PROTOCOL §12): the public inputs, with the first step and the submitter
 * apart (they are packed into step_submitter), and the run configuration run_config commits to, which
 * prove needs and verify cross-checks when it is given. prove computes `loss` when it is omitted.
 */
export function checkpointStatementSchema(encoding: Encoding, forProve: boolean) {
  const hparam = hparamSchema(encoding);
  const config = {
    base_root: fieldElementSchema,
    dataset_root: fieldElementSchema,
    projection_id: fieldElementSchema,
    alpha: hparam,
    learning_rate: hparam,
  };
  return z.object(
    {
      run_config: fieldElementSchema,
      adapter_before: fieldElementSchema,
      adapter_after: fieldElementSchema,
      step: integerSchema("an integer in [0, 2^32), the checkpoint's first step"),
      submitter: addressSchema,
      step_submitter: fieldElementSchema.optional(),
      loss: forProve ? fieldElementSchema.optional() : fieldElementSchema,
      base_root: forProve ? config.base_root : config.base_root.optional(),
      dataset_root: forProve ? config.dataset_root : config.dataset_root.optional(),
      projection_id: forProve ? config.projection_id : config.projection_id.optional(),
      alpha: forProve ? config.alpha : config.alpha.optional(),
      learning_rate: forProve ? config.learning_rate : config.learning_rate.optional(),
      dataset_size: integerSchema("an integer in [1, 2^depth]").optional(),
    },
    { error: expected("an object") },
  );
}
export type RawCheckpointStatement = z.output<ReturnType<typeof checkpointStatementSchema>>;

/** A checkpoint statement's values (exit 5); loss is undefined when omitted, config when not given. */
export interface CheckpointStatementValues extends Omit<CheckpointStatement, "loss"> {
  readonly loss: bigint | undefined;
  /** step_submitter as given (optional): it must be step × 2^160 + submitter (exit 8) */
  readonly statedStepSubmitter: bigint | undefined;
  readonly step: bigint;
  readonly submitter: bigint;
  readonly config: RunConfig | undefined;
}

export function checkpointStatementValues(
  raw: RawCheckpointStatement,
  instance: CircuitInstance,
): CheckpointStatementValues {
  for (const name of ["run_config", "adapter_before", "adapter_after", "step_submitter", "loss"] as const) {
    const value = raw[name];
    if (value !== undefined) assertInField(`statement.${name}`, value);
  }
  const { step, submitter } = stepAndSubmitterValues(raw);
  const stepSubmitter = packStepSubmitter(step, submitter);
  let config: RunConfig | undefined;
  const { base_root, dataset_root, projection_id, alpha, learning_rate } = raw;
  if (
    base_root !== undefined &&
    dataset_root !== undefined &&
    projection_id !== undefined &&
    alpha !== undefined &&
    learning_rate !== undefined
  ) {
    assertInField("statement.base_root", base_root);
    assertInField("statement.dataset_root", dataset_root);
    assertInField("statement.projection_id", projection_id);
    config = {
      baseRoot: base_root,
      datasetRoot: dataset_root,
      projection: projection_id,
      alpha: nonZeroHparam("statement.alpha", alpha, instance.params.F),
      lr: nonZeroHparam("statement.learning_rate", learning_rate, instance.params.F),
    };
  }
  return {
    runConfig: raw.run_config,
    adapterBefore: raw.adapter_before,
    adapterAfter: raw.adapter_after,
    stepSubmitter,
    statedStepSubmitter: raw.step_submitter,
    loss: raw.loss,
    step,
    submitter,
    config,
  };
}

/** The checkpoint's public inputs by document name, in PROTOCOL §12 order. */
export const CHECKPOINT_PUBLIC_INPUT_FIELDS = CHECKPOINT_PUBLIC_INPUTS.map(documentFieldName);

/** What step_submitter is (for the message when the given one is not step × 2^160 + submitter). */
export const STEP_SUBMITTER_WHAT = "statement.step and statement.submitter (step × 2^160 + submitter, PROTOCOL §12)";
