/**
 * `verify`: a statement and a Groth16 proof in (the output of `prove` is accepted as is), whether the
 * proof verifies out.
 *
 * Order: malformed JSON (2), missing or mistyped field (3), unknown instance (7), wrong shape (4),
 * field element >= p or other range (5), public_signals or hyperparameters not matching the
 * statement (8), artifacts missing (9), timeout (11); then valid (0) or invalid (10).
 */

import { z } from "zod";
import { publicSignals } from "../circuitInput.js";
import { hparamsHash } from "../commitments.js";
import { ExitCode, LoraLedgerError } from "../errors.js";
import { FIELD_MODULUS, isFieldElement } from "../field.js";
import { getInstance } from "../instances.js";
import { noProgress, type Progress } from "../progress.js";
import { loadVerificationKey, verifyWithInstance, type Groth16Proof } from "../prover.js";
import { expected, fail, parseWith } from "./json.js";
import {
  PUBLIC_INPUT_FIELDS,
  asVector,
  encodingSchema,
  fixedHparam,
  namedPublicInputs,
  statementSchema,
  statementValues,
  type Encoding,
  type NamedPublicInputs,
} from "./values.js";

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

function verifySchema(encoding: Encoding) {
  return z.object({
    instance: z.string(),
    encoding: encodingSchema,
    statement: statementSchema(encoding),
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
    timeout_ms: z.number({ error: expected("a positive integer") }).int().positive().optional(),
  });
}

export interface VerifyAnswer {
  valid: boolean;
  reason: string;
  instance: string;
  public_inputs: NamedPublicInputs;
}

const THREE = { name: "snarkjs's projective coordinates", size: 3 } as const;
const TWO = { name: "the two coordinates of an F_q2 element", size: 2 } as const;

function checkCoordinate(field: string, value: bigint): string {
  if (value >= BASE_FIELD_MODULUS) {
    fail(ExitCode.OutOfRange, field, `${field} = ${value} is not a coordinate: it must be below the BN254 base field modulus q = ${BASE_FIELD_MODULUS}`);
  }
  return value.toString();
}

/** Resolves after `ms`, rejecting with exit 11; the timer does not keep the process alive. */
function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(
      () => reject(new LoraLedgerError(ExitCode.Timeout, `verification did not finish within timeout_ms = ${ms} ms`, "timeout_ms")),
      ms,
    ).unref();
  });
}

/** Checks a verify document and verifies its proof. Throws LoraLedgerError for every exit but 0 and 10. */
export async function verifyDocument(document: unknown, progress: Progress = noProgress): Promise<VerifyAnswer> {
  // 3
  const head = parseWith(headSchema, document);
  const parsed = parseWith(verifySchema(head.encoding), document);
  const raw = parsed.statement;
  const hparamsGiven = [raw.alpha, raw.learning_rate, raw.dataset_size].filter((v) => v !== undefined).length;
  if (hparamsGiven !== 0 && hparamsGiven !== 3) {
    const missing = (["alpha", "learning_rate", "dataset_size"] as const).find((name) => raw[name] === undefined) ?? "alpha";
    fail(
      ExitCode.MissingField,
      `statement.${missing}`,
      `statement.${missing} is missing: alpha, learning_rate and dataset_size cross-check hparams_hash together (give all three or none)`,
    );
  }

  // 7
  const instance = getInstance(parsed.instance);
  const shape = instance.params;

  // 4
  if (raw.rank !== undefined && raw.rank !== shape.rank) {
    fail(ExitCode.WrongShape, "statement.rank", `statement.rank is ${raw.rank} but instance ${instance.name} has rank ${shape.rank}`);
  }
  const piA = asVector("proof.pi_a", parsed.proof.pi_a, THREE);
  const piB = asVector("proof.pi_b", parsed.proof.pi_b, { name: "snarkjs's projective coordinates in F_q2", size: 3 }).map((pair, i) =>
    asVector(`proof.pi_b[${i}]`, pair, TWO),
  );
  const piC = asVector("proof.pi_c", parsed.proof.pi_c, THREE);
  const givenSignals =
    parsed.public_signals === undefined
      ? undefined
      : asVector("public_signals", parsed.public_signals, { name: "the public inputs of PROTOCOL §7", size: PUBLIC_INPUT_FIELDS.length });

  // 5
  const statement = statementValues(raw);
  const proof: Groth16Proof = {
    pi_a: piA.map((v, i) => checkCoordinate(`proof.pi_a[${i}]`, v)),
    pi_b: piB.map((pair, i) => pair.map((v, j) => checkCoordinate(`proof.pi_b[${i}][${j}]`, v))),
    pi_c: piC.map((v, i) => checkCoordinate(`proof.pi_c[${i}]`, v)),
    protocol: "groth16",
    curve: "bn128",
  };
  const expectedSignals = publicSignals(statement);
  givenSignals?.forEach((value, i) => {
    if (!isFieldElement(value)) {
      fail(
        ExitCode.OutOfRange,
        `public_signals[${i}]`,
        `public_signals[${i}] (${PUBLIC_INPUT_FIELDS[i]}) = ${value} is not a field element (it must be below p = ${FIELD_MODULUS}; snarkjs would reduce it mod p, the Solidity verifier rejects it)`,
      );
    }
  });
  let alpha: bigint | undefined;
  let lr: bigint | undefined;
  if (raw.alpha !== undefined && raw.learning_rate !== undefined && raw.dataset_size !== undefined) {
    alpha = fixedHparam("statement.alpha", raw.alpha, shape.F);
    lr = fixedHparam("statement.learning_rate", raw.learning_rate, shape.F);
    if (raw.dataset_size < 1n || raw.dataset_size > 1n << BigInt(shape.depth)) {
      fail(ExitCode.OutOfRange, "statement.dataset_size", `statement.dataset_size = ${raw.dataset_size} is outside [1, 2^${shape.depth}] (depth ${shape.depth})`);
    }
  }

  // 8
  givenSignals?.forEach((value, i) => {
    const want = expectedSignals[i];
    const name = PUBLIC_INPUT_FIELDS[i] ?? `#${i}`;
    if (value !== want) {
      fail(
        ExitCode.StatementMismatch,
        `public_signals[${i}]`,
        `public_signals[${i}] (${name}) is ${value} but statement.${name} is ${want}: the public signals are not the statement's`,
      );
    }
  });
  if (alpha !== undefined && lr !== undefined && raw.dataset_size !== undefined) {
    const computed = hparamsHash(shape, alpha, lr, raw.dataset_size);
    if (computed !== statement.hparamsHash) {
      fail(
        ExitCode.StatementMismatch,
        "statement.hparams_hash",
        `statement.hparams_hash is not the commitment of the hyperparameters (the shape of ${instance.name}, alpha ${alpha}, ` +
          `learning_rate ${lr} in fixed point, dataset_size ${raw.dataset_size}): expected ${computed}, given ${statement.hparamsHash}`,
      );
    }
  }

  // 9, 11, then the verdict.
  loadVerificationKey(instance.name);
  const timeoutMs = parsed.timeout_ms ?? DEFAULT_VERIFY_TIMEOUT_MS;
  progress.step(`verifying with the verification key of ${instance.name} (timeout ${timeoutMs} ms)`);
  const valid = await Promise.race([
    verifyWithInstance(
      instance.name,
      expectedSignals.map((v) => v.toString()),
      proof,
    ),
    timeout(timeoutMs),
  ]);
  progress.done(valid ? "the proof is valid" : "the proof is NOT valid");
  return {
    valid,
    reason: valid
      ? `the proof verifies for this statement with the verification key of ${instance.name}`
      : `the proof does not verify for this statement with the verification key of ${instance.name}: ` +
        "it was made for other public inputs (e.g. another submitter or step), for another instance, or it was altered",
    instance: instance.name,
    public_inputs: namedPublicInputs(statement),
  };
}
