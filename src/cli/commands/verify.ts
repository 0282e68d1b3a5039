/**
 * `verify`: a statement and a Groth16 proof in (the output of `prove` is accepted as is), whether the
 * proof verifies out. The statement is a step's (PROTOCOL §7), or a merge's (§9) when the instance is
 * a LoraMerge instance, or one of version 2's (§11–§13) by the instance's template.
 *
 * Order: malformed JSON (2), missing or mistyped field (3), unknown instance (7), wrong shape (4),
 * field element >= p or other range (5), public_signals or hyperparameters not matching the
 * statement (8), artifacts missing (9), timeout (11); then valid (0) or invalid (10).
 */

import { z } from "zod";
import {
  publicSignals,
  hparamsHash,
  LoraLedgerError,
  FIELD_MODULUS,
  isFieldElement,
  mergePublicSignals,
  checkpointPublicSignals,
  orderedPublicSignals,
  runConfigHash,
  TEMPLATES,
  type CircuitInstance,
  type Groth16Proof,
} from "../../protocol/index.js";
import { existsSync } from "node:fs";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { compareVerificationKeys, describeKeyDifferences, type DeployedKey } from "../../chain/index.js";
import { getInstance, instanceArtifacts, noProgress, type Progress, loadVerificationKey } from "../../node/index.js";
import { expected, fail, parseWith } from "./json.js";
import {
  MERGE_PUBLIC_INPUT_FIELDS,
  PUBLIC_INPUT_FIELDS,
  asVector,
  checkDatasetSize,
  encodingSchema,
  fixedHparam,
  documentTemplate,
  mergeStatementSchema,
  mergeStatementValues,
  namedMergePublicInputs,
  namedPublicInputs,
  statementSchema,
  statementValues,
  type Encoding,
  commitmentText,
} from "./values.js";
import {
  CHECKPOINT_PUBLIC_INPUT_FIELDS,
  RUN_CONFIG_FIELDS,
  STEP_SUBMITTER_WHAT,
  checkpointStatementSchema,
  checkpointStatementValues,
  documentFieldName,
  namedSignals,
  publicStatementSchema,
  publicStatementValues,
  type PublicStatementTemplate,
} from "./runStatements.js";
import { notTheCommitment } from "./prove/messages.js";

/** BN254 base field modulus q: proof coordinates live in F_q (public inputs in F_p). */
export const BASE_FIELD_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
export const DEFAULT_VERIFY_TIMEOUT_MS = 30_000;

const headSchema = z.object(
  {
    instance: z.string({ error: expected("the name of a circuit instance") }),
    encoding: encodingSchema,
  },
  { error: expected("a JSON object") },
);

const coordinate = z
  .string({ error: expected("a coordinate as a decimal string") })
  .regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/, { error: expected("a coordinate as a decimal string") })
  .transform((text) => BigInt(text));
const signal = z
  .string({ error: expected("a public signal as a decimal string") })
  .regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/, { error: expected("a public signal as a decimal string") })
  .transform((text) => BigInt(text));

/** The optional statement fields verify cross-checks, common to step and merge statements. */
interface HparamsRaw {
  rank?: number | undefined;
  alpha?: number | bigint | undefined;
  learning_rate?: number | bigint | undefined;
  dataset_size?: bigint | undefined;
}

/** A statement range-checked (exit 5): its public signals, named, and its phase-8 cross-check. */
interface CheckedStatement {
  signals: bigint[];
  named: Record<string, string | number>;
  /** range checks of the optional fields (exit 5), returning their cross-check (exit 8) */
  crossCheck?: () => () => void;
}

/** What verify needs of a kind of statement: its schema, public inputs, and their checks in the commands' order. */
interface StatementKind<S extends z.ZodType> {
  schema: S;
  /** names of the public inputs, in the circuit's order */
  fields: readonly string[];
  /** where the public inputs are defined, for messages */
  protocol: string;
  /** what a proof made for other public inputs typically differs in, for the invalid verdict */
  otherInputs: string;
  /** phase 3 beyond the schema: optional fields given all together or not at all */
  together?: { names: readonly string[]; why: string };
  /** phase 4: the statement against the instance's shape */
  shapes?: (raw: z.output<S>, instance: CircuitInstance) => void;
  /** phase 5: range checks, then the public signals */
  check: (raw: z.output<S>, instance: CircuitInstance) => CheckedStatement;
}

/** Version 1's optional hyperparameters are given all together or not at all (exit 3). */
const V1_TOGETHER = {
  names: ["alpha", "learning_rate", "dataset_size"],
  why: "alpha, learning_rate and dataset_size cross-check hparams_hash together",
} as const;

/** Version 1's optional rank, against the instance (exit 4). */
function checkRank(raw: HparamsRaw, instance: CircuitInstance): void {
  if (raw.rank !== undefined && raw.rank !== instance.params.rank) {
    fail(
      "wrong_shape",
      "statement.rank",
      `statement.rank is ${raw.rank} but instance ${instance.name} has rank ${instance.params.rank}`,
    );
  }
}

/** Version 1's optional hyperparameters: ranges (5), then whether hparams_hash commits to them (8). */
function hparamsCrossCheck(raw: HparamsRaw, instance: CircuitInstance, hparamsHashGiven: bigint) {
  const shape = instance.params;
  return (): (() => void) => {
    if (raw.alpha === undefined || raw.learning_rate === undefined || raw.dataset_size === undefined) {
      return () => undefined;
    }
    const alpha = fixedHparam("statement.alpha", raw.alpha, shape.F);
    const lr = fixedHparam("statement.learning_rate", raw.learning_rate, shape.F);
    const size = raw.dataset_size;
    checkDatasetSize("statement.dataset_size", size, shape);
    return () => {
      const computed = hparamsHash(shape, alpha, lr, size);
      if (computed !== hparamsHashGiven) {
        fail(
          "statement_mismatch",
          "statement.hparams_hash",
          `statement.hparams_hash is not the commitment of the hyperparameters (the shape of ${instance.name}, alpha ${alpha}, ` +
            `learning_rate ${lr} in fixed point, dataset_size ${size}): expected ${commitmentText(computed)}, given ${commitmentText(hparamsHashGiven)}`,
        );
      }
    };
  };
}

function stepKind(encoding: Encoding): StatementKind<ReturnType<typeof statementSchema>> {
  return {
    schema: statementSchema(encoding),
    fields: PUBLIC_INPUT_FIELDS,
    protocol: "PROTOCOL §7",
    otherInputs: "another submitter or step",
    together: V1_TOGETHER,
    shapes: checkRank,
    check(raw, instance) {
      const statement = statementValues(raw);
      return {
        signals: publicSignals(statement),
        named: { ...namedPublicInputs(statement) },
        crossCheck: hparamsCrossCheck(raw, instance, statement.hparamsHash),
      };
    },
  };
}

function mergeKind(encoding: Encoding): StatementKind<ReturnType<typeof mergeStatementSchema>> {
  return {
    schema: mergeStatementSchema(encoding),
    fields: MERGE_PUBLIC_INPUT_FIELDS,
    protocol: "PROTOCOL §9",
    otherInputs: "another adapter or merged root",
    together: V1_TOGETHER,
    shapes: checkRank,
    check(raw, instance) {
      const values = mergeStatementValues(raw);
      // The verify schema requires merged_root.
      const statement = { ...values, mergedRoot: values.mergedRoot ?? 0n };
      return {
        signals: mergePublicSignals(statement),
        named: { ...namedMergePublicInputs(statement) },
        crossCheck: hparamsCrossCheck(raw, instance, statement.hparamsHash),
      };
    },
  };
}

/** A checkpoint (PROTOCOL §12): its run configuration, when given, must be what run_config commits to. */
function checkpointKind(encoding: Encoding): StatementKind<ReturnType<typeof checkpointStatementSchema>> {
  return {
    schema: checkpointStatementSchema(encoding, false),
    fields: CHECKPOINT_PUBLIC_INPUT_FIELDS,
    protocol: "PROTOCOL §12",
    otherInputs: "another submitter, first step or loss",
    together: { names: RUN_CONFIG_FIELDS, why: `${RUN_CONFIG_FIELDS.join(", ")} cross-check run_config together` },
    check(raw, instance) {
      const values = checkpointStatementValues(raw, instance);
      const statement = { ...values, loss: values.loss ?? 0n };
      const signals = checkpointPublicSignals(statement);
      return {
        signals,
        named: namedSignals("LoraCheckpoint", signals),
        crossCheck: () => () => {
          if (values.statedStepSubmitter !== undefined && values.statedStepSubmitter !== statement.stepSubmitter) {
            const { field, message } = notTheCommitment(
              "step_submitter",
              STEP_SUBMITTER_WHAT,
              statement.stepSubmitter,
              values.statedStepSubmitter,
            );
            fail("statement_mismatch", field, message);
          }
          if (values.config !== undefined && runConfigHash(values.config) !== values.runConfig) {
            const { field, message } = notTheCommitment(
              "run_config",
              "the run configuration (base_root, dataset_root, projection_id, alpha, learning_rate; PROTOCOL §12)",
              runConfigHash(values.config),
              values.runConfig,
            );
            fail("statement_mismatch", field, message);
          }
        },
      };
    },
  };
}

/** A run start, projection block or merge block: public inputs only. */
function publicKind(
  template: PublicStatementTemplate,
  encoding: Encoding,
  protocol: string,
  otherInputs: string,
): StatementKind<ReturnType<typeof publicStatementSchema>> {
  return {
    schema: publicStatementSchema(template, encoding, false),
    fields: TEMPLATES[template].publicInputs.map((input: string) => documentFieldName(input)),
    protocol,
    otherInputs,
    check(raw, instance) {
      const signals = orderedPublicSignals(template, publicStatementValues(template, raw, instance));
      return { signals, named: namedSignals(template, signals) };
    },
  };
}

/** The document around the statement (which its kind's schema parses, first: it comes first). */
function verifySchema() {
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    proof: z.object(
      {
        pi_a: z.array(coordinate, { error: expected("an array of 3 coordinates") }),
        pi_b: z.array(z.array(coordinate, { error: expected("an array of 2 coordinates") }), {
          error: expected("an array of 3 pairs of coordinates"),
        }),
        pi_c: z.array(coordinate, { error: expected("an array of 3 coordinates") }),
        protocol: z.literal("groth16", { error: expected('"groth16"') }).optional(),
        curve: z.literal("bn128", { error: expected('"bn128"') }).optional(),
      },
      { error: expected("a snarkjs Groth16 proof {pi_a, pi_b, pi_c}") },
    ),
    public_signals: z.array(signal, { error: expected("an array of decimal strings") }).optional(),
    timeout_ms: z
      .number({ error: expected("a positive integer") })
      .int()
      .positive()
      .optional(),
  });
}

/** With `--rpc`: the key came from the chain, and how the local build's key compares with it. */
export interface VerifyKeyAnswer {
  source: "chain";
  verifier: string;
  retired: boolean;
  /** "matches", "absent" (not built here), or "key mismatch: <differing coordinates>" */
  local: string;
}

export interface VerifyAnswer {
  valid: boolean;
  reason: string;
  instance: string;
  public_inputs: Record<string, string | number>;
  key?: VerifyKeyAnswer;
}

const THREE = { name: "snarkjs's projective coordinates", size: 3 } as const;
const TWO = { name: "the two coordinates of an F_q2 element", size: 2 } as const;

function checkCoordinate(field: string, value: bigint): string {
  if (value >= BASE_FIELD_MODULUS) {
    fail(
      "out_of_range",
      field,
      `${field} = ${value} is not a coordinate: it must be below the BN254 base field modulus q = ${BASE_FIELD_MODULUS}`,
    );
  }
  return value.toString();
}

function localKey(instanceName: string): { key: VerificationKey; keyName: string; keyAnswer?: VerifyKeyAnswer } {
  return { key: loadVerificationKey(instanceName), keyName: `the verification key of ${instanceName}` };
}

/**
 * The deployed verifier's key; the local key, when built, is compared with it: a different one is said
 * (answer `key.local`, a warning), not taken for an invalid proof, since the proof is checked against the chain's.
 */
async function keyFromChain(
  instanceName: string,
  chainKey: VerificationKeySource,
  progress: Progress,
): Promise<{ key: VerificationKey; keyName: string; keyAnswer: VerifyKeyAnswer }> {
  const deployed = await chainKey(instanceName);
  let local: VerifyKeyAnswer["local"] = "absent";
  if (existsSync(instanceArtifacts(instanceName).verificationKey)) {
    const differences = compareVerificationKeys(loadVerificationKey(instanceName), deployed.key);
    local = differences.length === 0 ? "matches" : `key mismatch: ${describeKeyDifferences(differences)}`;
    if (differences.length > 0)
      progress.warn(
        `KEY MISMATCH: build/circuits/${instanceName}/verification_key.json is not the deployed verifier's key (${describeKeyDifferences(differences)}); verifying with the deployed one`,
      );
  }
  return {
    key: deployed.key,
    keyName: `the key of the deployed verifier ${deployed.verifier} of ${instanceName}${deployed.retired ? " (retired)" : ""}`,
    keyAnswer: { source: "chain", verifier: deployed.verifier, retired: deployed.retired, local },
  };
}

/** Resolves after `ms`, rejecting with exit 11; the timer does not keep the process alive. */
function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(
      () =>
        reject(
          new LoraLedgerError("timeout", `verification did not finish within timeout_ms = ${ms} ms`, "timeout_ms"),
        ),
      ms,
    ).unref();
  });
}

/**
 * Where `verify` takes the verification key from: the local build (default), or the chain (`--rpc` and
 * `--registry`: the key decoded from the code of the verifier the registry records for the instance).
 */
export type VerificationKeySource = (instanceName: string) => Promise<DeployedKey>;

/** Checks a verify document and verifies its proof. Throws LoraLedgerError for every exit but 0 and 10. */
export async function verifyDocument(
  document: unknown,
  progress: Progress = noProgress,
  chainKey?: VerificationKeySource,
): Promise<VerifyAnswer> {
  const { encoding } = parseWith(headSchema, document);
  const template = documentTemplate(document);
  const run = <S extends z.ZodType>(kind: StatementKind<S>): Promise<VerifyAnswer> =>
    verifyAs(kind, document, progress, chainKey);
  switch (template) {
    case "LoraMerge":
      return run(mergeKind(encoding));
    case "LoraCheckpoint":
      return run(checkpointKind(encoding));
    case "LoraRunStart":
      return run(publicKind(template, encoding, "PROTOCOL §12", "another run configuration or start"));
    case "BaseProjectionBlock":
      return run(publicKind(template, encoding, "PROTOCOL §11", "another block or accumulator"));
    case "LoraMergeBlock":
      return run(publicKind(template, encoding, "PROTOCOL §13", "another adapter, block or accumulator"));
    case "LoraStep":
    case undefined:
      return run(stepKind(encoding));
  }
}

async function verifyAs<S extends z.ZodType>(
  kind: StatementKind<S>,
  document: unknown,
  progress: Progress,
  chainKey?: VerificationKeySource,
): Promise<VerifyAnswer> {
  // 3
  const rawStatement = parseWith(kind.schema, (document as { statement?: unknown }).statement, ["statement"]);
  const parsed = parseWith(verifySchema(), document);
  if (kind.together !== undefined) {
    const given = new Map<string, unknown>(Object.entries(rawStatement as object));
    const { names, why } = kind.together;
    const count = names.filter((name) => given.get(name) !== undefined).length;
    if (count !== 0 && count !== names.length) {
      const missing = names.find((name) => given.get(name) === undefined) ?? names[0] ?? "";
      fail(
        "missing_field",
        `statement.${missing}`,
        `statement.${missing} is missing: ${why} (give all ${names.length === 3 ? "three" : names.length} or none)`,
      );
    }
  }

  // 7
  const instance = getInstance(parsed.instance);

  // 4
  kind.shapes?.(rawStatement, instance);
  const piA = asVector("proof.pi_a", parsed.proof.pi_a, THREE);
  const piB = asVector("proof.pi_b", parsed.proof.pi_b, {
    name: "snarkjs's projective coordinates in F_q2",
    size: 3,
  }).map((pair, i) => asVector(`proof.pi_b[${i}]`, pair, TWO));
  const piC = asVector("proof.pi_c", parsed.proof.pi_c, THREE);
  const givenSignals =
    parsed.public_signals === undefined
      ? undefined
      : asVector("public_signals", parsed.public_signals, {
          name: `the public inputs of ${kind.protocol}`,
          size: kind.fields.length,
        });

  // 5
  const statement = kind.check(rawStatement, instance);
  const proof: Groth16Proof = {
    pi_a: piA.map((v, i) => checkCoordinate(`proof.pi_a[${i}]`, v)),
    pi_b: piB.map((pair, i) => pair.map((v, j) => checkCoordinate(`proof.pi_b[${i}][${j}]`, v))),
    pi_c: piC.map((v, i) => checkCoordinate(`proof.pi_c[${i}]`, v)),
    protocol: "groth16",
    curve: "bn128",
  };
  const expectedSignals = statement.signals;
  givenSignals?.forEach((value, i) => {
    if (!isFieldElement(value)) {
      fail(
        "out_of_range",
        `public_signals[${i}]`,
        `public_signals[${i}] (${kind.fields[i]}) = ${value} is not a field element (it must be below p = ${FIELD_MODULUS}; snarkjs would reduce it mod p, the Solidity verifier rejects it)`,
      );
    }
  });
  const crossCheck = statement.crossCheck?.();

  // 8
  givenSignals?.forEach((value, i) => {
    const want = expectedSignals[i];
    const name = kind.fields[i] ?? `#${i}`;
    if (value !== want) {
      fail(
        "statement_mismatch",
        `public_signals[${i}]`,
        `public_signals[${i}] (${name}) is ${value} but statement.${name} is ${want}: the public signals are not the statement's`,
      );
    }
  });
  crossCheck?.();

  // 9, 11, then the verdict.
  const { key, keyName, keyAnswer } =
    chainKey === undefined ? localKey(instance.name) : await keyFromChain(instance.name, chainKey, progress);
  const timeoutMs = parsed.timeout_ms ?? DEFAULT_VERIFY_TIMEOUT_MS;
  progress.step(`verifying with ${keyName} (timeout ${timeoutMs} ms)`);
  const valid = await Promise.race([
    snarkjs.groth16.verify(
      key,
      expectedSignals.map((v) => v.toString()),
      proof,
    ),
    timeout(timeoutMs),
  ]);
  progress.done(valid ? "the proof is valid" : "the proof is NOT valid");
  return {
    valid,
    reason: valid
      ? `the proof verifies for this statement with ${keyName}`
      : `the proof does not verify for this statement with ${keyName}: ` +
        `it was made for other public inputs (e.g. ${kind.otherInputs}), for another instance, or it was altered`,
    ...(keyAnswer === undefined ? {} : { key: keyAnswer }),
    instance: instance.name,
    public_inputs: statement.named,
  };
}
