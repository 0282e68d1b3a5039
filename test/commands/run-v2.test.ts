// The commands on protocol version 2's statements (PROTOCOL §11–§13): for each of the checkpoint, the
// run start, the projection block and the merge block, example | prove | verify as processes with real
// proofs (one each, plus the checkpoint's batch form in fixed encoding), then every check class before
// proving, in process (prepare* and verifyDocument never prove), with its exit code and field.
import { expect } from "chai";
import path from "node:path";
import { canonicalInit, fromFixed } from "../../src/protocol/index.js";
import { PROJECT_ROOT, defaultInstance, releaseProverThreads } from "../../src/node/index.js";
import {
  exampleRunDocument,
  prepareCheckpoint,
  prepareMergeBlock,
  prepareProjectionBlock,
  prepareRunStart,
  toFailure,
  verifyDocument,
} from "../../src/cli/index.js";
import { runNodeCli, type Finished } from "../helpers/processes.js";

const TSX_CLI = path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const checkpointInstance = defaultInstance("LoraCheckpoint");
const k = checkpointInstance.params.steps ?? 1;

type Kind = "checkpoint" | "start" | "projection" | "merge-block";
type Json = Record<string, unknown>;
interface Document {
  instance: string;
  encoding: string;
  statement: Record<string, string | number>;
  witness: Record<string, unknown>;
}
interface Answer {
  success: true;
  instance: string;
  statement: Record<string, string | number>;
  public_signals: string[];
  public_inputs: Record<string, string>;
  calldata: { input: string[] };
  metadata: Json & { constraints: number; proof_size_bytes: number };
  merged_weights?: { values: string[][]; scale_bits: number };
}

function command(name: "example" | "prove" | "verify", input: unknown, args: string[] = []): Promise<Finished> {
  const text = input === undefined ? "" : JSON.stringify(input);
  const quiet = name === "example" ? [] : ["--quiet"];
  return runNodeCli(TSX_CLI, [path.join("src", "cli", "bin", `${name}.ts`), ...quiet, ...args], process.env, {
    input: text,
  });
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer it expects
function parsed<T>(result: Finished): T {
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as T;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function matrix(document: Document, name: string): number[][] {
  return document.witness[name] as number[][];
}

/** The failure `body` throws, as the CLI reports it. */
function failureOf(body: () => unknown) {
  try {
    body();
  } catch (error) {
    return toFailure(error);
  }
  throw new Error("expected a failure, got none");
}

async function asyncFailureOf(body: () => Promise<unknown>) {
  try {
    await body();
  } catch (error) {
    return toFailure(error);
  }
  throw new Error("expected a failure, got none");
}

function expectFailure(
  failure: ReturnType<typeof toFailure>,
  exitCode: number,
  field: string | RegExp | undefined,
  message: RegExp,
): void {
  expect(failure.exitCode, failure.message).to.equal(exitCode);
  if (field instanceof RegExp) expect(failure.field).to.match(field);
  else expect(failure.field).to.equal(field);
  expect(failure.message).to.match(message);
}

const EXAMPLE_ARGS: Record<Kind, string[]> = {
  checkpoint: ["--kind", "checkpoint", "--step", String(2 * k), "--seed", "5"],
  start: ["--kind", "start", "--seed", "5"],
  projection: ["--kind", "projection", "--seed", "5"],
  "merge-block": ["--kind", "merge-block", "--step", String(2 * k), "--seed", "5"],
};

describe("commands on protocol v2: checkpoint, run start, projection block, merge block", function () {
  const documents = {} as Record<Kind, Document>;
  const answers: Partial<Record<Kind, Answer>> = {};
  const answer = (kind: Kind): Answer => {
    const found = answers[kind];
    if (found === undefined) throw new Error(`the ${kind} proving test did not run`);
    return clone(found);
  };
  const mutated = (kind: Kind, change: (document: Document) => void): Document => {
    const copy = clone(documents[kind]);
    change(copy);
    return copy;
  };

  before(async function () {
    const kinds = Object.keys(EXAMPLE_ARGS) as Kind[];
    const results = await Promise.all(kinds.map((kind) => command("example", undefined, EXAMPLE_ARGS[kind])));
    kinds.forEach((kind, i) => (documents[kind] = parsed<Document>(results[i] as Finished)));
  });

  after(releaseProverThreads);

  describe("example", function () {
    it("writes each kind on its instance; the checkpoint comes from a trained run, in which A and B both moved", function () {
      expect(documents.checkpoint.instance).to.equal(checkpointInstance.name);
      expect(documents.start.instance).to.match(/^lora_run_start_/);
      expect(documents.projection.instance).to.match(/^base_projection_/);
      expect(documents["merge-block"].instance).to.match(/^lora_merge_block_/);
      expect(documents.checkpoint.statement.step).to.equal(2 * k);
      const start = canonicalInit(5n, checkpointInstance.params);
      const real = (m: readonly (readonly bigint[])[]) => m.map((r) => r.map((v) => fromFixed(v, 8)));
      expect(documents.start.statement.adapter_start).to.be.a("string");
      expect(documents.start.statement.from_head).to.equal(0);
      expect(matrix(documents.checkpoint, "adapter_a")).to.not.deep.equal(real(start.a));
      expect(
        matrix(documents.checkpoint, "adapter_b")
          .flat()
          .some((v) => v !== 0),
      ).to.equal(true);
      // The run's configuration is shared: the start's and the checkpoint's run_config are one.
      expect(documents.checkpoint.statement.run_config).to.equal(documents.start.statement.run_config);
      // The merge block merges the adapter the checkpoint with the same --step ends with.
      expect(documents["merge-block"].statement.adapter).to.equal(documents.checkpoint.statement.adapter_after);
      expect(documents.projection.statement.base_root).to.equal(documents.checkpoint.statement.base_root);
    });

    it("refuses options that do not apply (exit 3), a step not a multiple of k and a block outside the base (exit 5)", function () {
      expectFailure(
        failureOf(() => exampleRunDocument({ kind: "start", step: 2n })),
        3,
        "--step",
        /--step does not apply to a start example/,
      );
      expectFailure(
        failureOf(() => exampleRunDocument({ kind: "checkpoint", block: 0n })),
        3,
        "--block",
        /does not apply to a checkpoint example/,
      );
      expectFailure(
        failureOf(() => exampleRunDocument({ kind: "merge-block", batchOnly: true })),
        3,
        "--batch",
        /--batch does not apply/,
      );
      expectFailure(
        failureOf(() => exampleRunDocument({ kind: "start", instance: checkpointInstance.name })),
        3,
        "--kind",
        /does not match --instance/,
      );
      if (k > 1) {
        expectFailure(
          failureOf(() => exampleRunDocument({ kind: "checkpoint", step: 1n })),
          5,
          "--step",
          new RegExp(`not a multiple of k = ${k}`),
        );
      }
      expectFailure(
        failureOf(() => exampleRunDocument({ kind: "projection", block: 99n })),
        5,
        "--block",
        /--block = 99 is outside \[0, \d+\)/,
      );
    });

    it("dispatches on a version-2 --instance as on --kind (a process)", async function () {
      const result = await command("example", undefined, ["--instance", documents.start.instance, "--seed", "5"]);
      expect(parsed<Document>(result)).to.deep.equal(documents.start);
      const wrong = await command("example", undefined, ["--kind", "start", "--submitter", "0x" + "1".repeat(40)]);
      expect(wrong.code).to.equal(3);
    });
  });

  describe("example | prove | verify with real proofs", function () {
    for (const kind of ["checkpoint", "start", "projection", "merge-block"] as const) {
      it(`${kind}: proves (public signals in the instance's order) and verify accepts the answer as is`, async function () {
        const document = documents[kind];
        const result = parsed<Answer>(await command("prove", document));
        answers[kind] = result;
        expect(result.success).to.equal(true);
        expect(result.instance).to.equal(document.instance);
        expect(result.calldata.input).to.deep.equal(result.public_signals);
        // the same values: named ones for people (commitments in 0x-hex), public_signals for snarkjs (decimal)
        expect(Object.values(result.public_inputs).map((value) => BigInt(value).toString())).to.deep.equal(
          result.public_signals,
        );
        expect(result.metadata.proof_size_bytes).to.equal(256);
        expect(result.metadata.constraints).to.be.greaterThan(0);
        for (const [name, value] of Object.entries(document.statement)) {
          expect(result.statement[name], `statement.${name}`).to.equal(value);
        }
        const verdict = parsed<{ valid: boolean; public_inputs: Json }>(await command("verify", result));
        expect(verdict.valid).to.equal(true);
        expect(verdict.public_inputs).to.deep.equal(result.public_inputs);
      });
    }

    it("checkpoint: the proven loss, its mean as a real number, and the k batches' positions", function () {
      const proven = answer("checkpoint");
      expect(proven.statement.loss).to.equal(proven.public_inputs.loss);
      expect(proven.metadata.loss_sum).to.equal(proven.public_inputs.loss);
      const { batch, dOut, F } = checkpointInstance.params;
      // A plain comparison: hardhat's chai matchers take closeTo's operands for integers.
      const mean = Number(proven.public_inputs.loss) / (k * batch * dOut) / 2 ** (6 * F);
      const provenMean = Number(proven.metadata.loss);
      expect(Math.abs(provenMean - mean) < 1e-12, `${provenMean} vs ${mean}`).to.equal(true);
      expect(proven.metadata.batch_positions).to.have.length(k);
      expect(proven.public_inputs.step_submitter).to.equal(proven.statement.step_submitter);
    });

    it("checkpoint: the batch form in fixed encoding, without loss (computed and returned)", async function () {
      const document = parsed<Document>(
        await command("example", undefined, [...EXAMPLE_ARGS.checkpoint, "--batch", "--encoding", "fixed"]),
      );
      expect(document.witness.dataset).to.equal(undefined);
      expect(document.witness.batches).to.have.length(k);
      const loss = document.statement.loss;
      delete document.statement.loss;
      const result = parsed<Answer>(await command("prove", document));
      expect(result.statement.loss).to.equal(loss);
      expect(result.public_signals).to.deep.equal(answer("checkpoint").public_signals);
    });

    it("merge-block: the answer carries the block's exact merged weights", function () {
      const merged = answer("merge-block").merged_weights;
      expect(merged?.scale_bits).to.equal(3 * checkpointInstance.params.F);
      expect(merged?.values).to.have.length(checkpointInstance.params.dOut);
    });

    it("verify: another statement is an invalid proof (exit 10), other public_signals exit 8, a wrong configuration exit 8", async function () {
      const other = answer("checkpoint") as unknown as Json & { statement: Json; public_signals?: string[] };
      other.statement.step = Number(other.statement.step) + k;
      delete other.statement.step_submitter;
      delete other.public_signals;
      const invalid = await command("verify", other);
      expect(invalid.code, invalid.stderr).to.equal(10);

      const signals = answer("projection") as unknown as Json & { statement: Json };
      signals.statement.acc_out = "7";
      expectFailure(
        await asyncFailureOf(() => verifyDocument(signals)),
        8,
        "public_signals[4]",
        /public_signals\[4\] \(acc_out\) is \d+ but statement\.acc_out is 7/,
      );

      const config = answer("checkpoint") as unknown as Json & { statement: Json };
      config.statement.learning_rate = 0.25;
      expectFailure(
        await asyncFailureOf(() => verifyDocument(config)),
        8,
        "statement.run_config",
        /statement\.run_config is not the commitment of the run configuration/,
      );
      delete config.statement.alpha;
      expectFailure(
        await asyncFailureOf(() => verifyDocument(config)),
        3,
        "statement.alpha",
        /cross-check run_config together/,
      );
      const zero = answer("merge-block") as unknown as Json & { statement: Json };
      zero.statement.alpha = 0;
      expectFailure(await asyncFailureOf(() => verifyDocument(zero)), 5, "statement.alpha", /outside \[1, 2\^16\)/);
    });
  });

  describe("prove: each check class of a checkpoint document, before proving", function () {
    const check = (change: (document: Document) => void) =>
      failureOf(() => prepareCheckpoint(mutated("checkpoint", change)));

    it("fields (3), instance (7), shapes (4), ranges (5)", function () {
      expectFailure(
        check((d) => ((matrix(d, "adapter_a")[0] as unknown[])[0] = "x")),
        3,
        "witness.adapter_a[0][0]",
        /must be a real number/,
      );
      expectFailure(
        check((d) => delete d.witness.projection_w),
        3,
        "witness.projection_w",
        /is missing/,
      );
      expectFailure(
        check((d) => delete d.statement.alpha),
        3,
        "statement.alpha",
        /is missing/,
      );
      expectFailure(
        check((d) => (d.instance = "lora_checkpoint_nope")),
        7,
        "instance",
        /unknown circuit instance/,
      );
      expectFailure(
        check((d) => matrix(d, "adapter_b_after").pop()),
        4,
        "witness.adapter_b_after",
        /witness\.adapter_b_after has \d+ entries; d_out \d+ × rank \d+ needs \d+/,
      );
      expectFailure(
        check((d) => (d.witness.projection_w as string[]).pop()),
        4,
        "witness.projection_w",
        /has 7 entries, expected 8 \(d_in\)/,
      );
      expectFailure(
        check((d) => (d.statement.alpha = 0)),
        5,
        "statement.alpha",
        /0 trains nothing/,
      );
      expectFailure(
        check((d) => (d.statement.learning_rate = 0)),
        5,
        "statement.learning_rate",
        /outside \[1, 2\^16\)/,
      );
      expectFailure(
        check((d) => ((matrix(d, "adapter_a")[1] as number[])[3] = 200)),
        5,
        "witness.adapter_a[1][3]",
        /does not fit/,
      );
    });

    it("adapters after not k steps from before: exit 6, the first differing entry", function () {
      expectFailure(
        check((d) => {
          const row = matrix(d, "adapter_b_after")[2] as number[];
          row[1] = (row[1] ?? 0) + 1 / 256;
        }),
        6,
        "witness.adapter_b_after[2][1]",
        new RegExp(
          `but ${k} steps from the adapters before \\(steps ${2 * k} to ${3 * k - 1}\\) give .*off by \\+1 × 2\\^-8`,
        ),
      );
    });

    it("the statement against the witness: exit 8, which commitment, expected vs given", function () {
      expectFailure(
        check((d) => (d.statement.adapter_after = "12345")),
        8,
        "statement.adapter_after",
        /statement\.adapter_after is not the commitment of witness\.adapter_a_after and witness\.adapter_b_after: expected 0x[0-9a-f]{64} \(computed from the witness\), given 0x0{60}3039/,
      );
      expectFailure(
        check((d) => (d.statement.run_config = "1")),
        8,
        "statement.run_config",
        /given 0x0{63}1$/,
      );
      expectFailure(
        check((d) => (d.statement.loss = "1")),
        8,
        "statement.loss",
        /sum of squared errors.*given 1$/,
      );
      expectFailure(
        check((d) => (d.statement.projection_id = "1")),
        8,
        "statement.projection_id",
        /projection_w/,
      );
      expectFailure(
        check((d) => {
          const example = (d.witness.dataset as { z: number[] }[])[0];
          if (example !== undefined) example.z[0] = (example.z[0] ?? 0) + 1;
        }),
        8,
        "statement.dataset_root",
        /statement\.dataset_root is not the commitment of witness\.dataset/,
      );
      // The same dataset committed, but the statement's base is another: the projection check fails.
      expectFailure(
        check((d) => (d.statement.base_root = "1")),
        8,
        /^witness\.dataset\[\d+\]\.z$/,
        /fails the projection check/,
      );
    });
  });

  describe("prove: each check class of the start, projection and merge-block documents", function () {
    it("run start: fields (3), ranges (5), statement (8)", function () {
      const check = (change: (document: Document) => void) =>
        failureOf(() => prepareRunStart(mutated("start", change)));
      expectFailure(
        check((d) => (d.statement.seed = "abc")),
        3,
        "statement.seed",
        /must be a field element/,
      );
      expectFailure(
        check((d) => {
          d.statement.from_head = 1;
          delete d.statement.adapter_start;
        }),
        3,
        "statement.adapter_start",
        /from_head 1/,
      );
      expectFailure(
        check((d) => (d.statement.alpha = 0)),
        5,
        "statement.alpha",
        /0 trains nothing/,
      );
      expectFailure(
        check((d) => (d.statement.from_head = 2)),
        5,
        "statement.from_head",
        /outside \{0, 1\}/,
      );
      expectFailure(
        check((d) => (d.statement.adapter_start = "7")),
        8,
        "statement.adapter_start",
        /canonical initialization of seed 5.*given 0x0{63}7$/,
      );
      expectFailure(
        check((d) => (d.statement.run_config = "7")),
        8,
        "statement.run_config",
        /given 0x0{63}7$/,
      );
      expectFailure(
        check((d) => (d.statement.from_head = 1)),
        8,
        "statement.seed",
        /has seed 0/,
      );
    });

    it("projection block: fields (3), shapes (4), ranges (5), statement (8)", function () {
      const check = (change: (document: Document) => void) =>
        failureOf(() => prepareProjectionBlock(mutated("projection", change)));
      expectFailure(
        check((d) => delete d.witness.base_weights),
        3,
        "witness.base_weights",
        /is missing/,
      );
      expectFailure(
        check((d) => matrix(d, "base_weights").pop()),
        4,
        "witness.base_weights",
        /d_out 8 × d_in 8 needs 64/,
      );
      expectFailure(
        check((d) => (d.statement.block_index = 1)),
        5,
        "statement.block_index",
        /outside \[0, 1\)/,
      );
      expectFailure(
        check((d) => ((matrix(d, "base_weights")[0] as number[])[0] = 5)),
        5,
        "witness.base_weights[0][0]",
        /does not fit/,
      );
      expectFailure(
        check((d) => (d.statement.base_root = "7")),
        8,
        "statement.base_root",
        /witness\.base_weights/,
      );
      expectFailure(
        check((d) => (d.statement.acc_out = "7")),
        8,
        "statement.acc_out",
        /through block 0.*given 0x0{63}7$/,
      );
    });

    it("merge block: fields (3), shapes (4), ranges (5), statement (8)", function () {
      const check = (change: (document: Document) => void) =>
        failureOf(() => prepareMergeBlock(mutated("merge-block", change)));
      expectFailure(
        check((d) => (d.statement.alpha = "one")),
        3,
        "statement.alpha",
        /must be a real number/,
      );
      expectFailure(
        check((d) => matrix(d, "adapter_b").pop()),
        4,
        "witness.adapter_b",
        /d_out 8 × rank 2 needs 16/,
      );
      expectFailure(
        check((d) => (d.statement.alpha = 0)),
        5,
        "statement.alpha",
        /0 trains nothing/,
      );
      expectFailure(
        check((d) => (d.statement.adapter = "7")),
        8,
        "statement.adapter",
        /not the commitment of witness\.adapter_a and witness\.adapter_b.*given 0x0{63}7$/,
      );
      expectFailure(
        check((d) => (d.statement.acc_out = "7")),
        8,
        "statement.acc_out",
        /W0 \+ alpha B A.*given 0x0{63}7$/,
      );
    });

    it("a process answers a v2 error with its exit code and field", async function () {
      const result = await command(
        "prove",
        mutated("merge-block", (d) => (d.statement.alpha = 0)),
      );
      expect(result.code).to.equal(5);
      const error = (JSON.parse(result.stdout) as { error: { field: string; exit_code: number } }).error;
      expect(error.field).to.equal("statement.alpha");
      expect(error.exit_code).to.equal(5);
    });
  });
});
