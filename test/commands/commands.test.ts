// The prove / verify / example commands, run as a user runs them: real processes (tsx), a JSON
// document on stdin, the answer on stdout, the exit code. Three real proofs are made (the whole-dataset
// form in real encoding, the batch form in fixed encoding, a merge); every error class fails before proving.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIELD_MODULUS, toHex32 } from "../../src/protocol/index.js";
import { PROJECT_ROOT, defaultInstance, instanceArtifacts, mergeInstanceFor } from "../../src/node/index.js";
import { exampleDocument, proveDocument, toFailure, verifyDocument } from "../../src/cli/index.js";

const TSX_CLI = path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const instance = defaultInstance();
const OTHER_ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

type Command = "prove" | "verify" | "example";

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface ErrorAnswer {
  success?: false;
  valid?: false;
  error: { code: string; exit_code: number; field: string | null; message: string };
}

interface StepDocument {
  instance: string;
  encoding: string;
  statement: Record<string, string | number>;
  witness: {
    base_weights: number[][];
    adapter_a: number[][];
    adapter_b: number[][];
    adapter_a_after: number[][];
    adapter_b_after: number[][];
    dataset?: { x: number[]; t: number[] }[];
    batch?: { position: number; x: number[]; t: number[]; siblings: string[] }[];
  };
}

interface ProveAnswer {
  success: true;
  instance: string;
  statement: Record<string, string | number>;
  proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[] };
  public_signals: string[];
  public_inputs: Record<string, string | number>;
  calldata: { a: string[]; b: string[][]; c: string[]; input: string[] };
  metadata: {
    constraints: number;
    proof_size_bytes: number;
    witness_seconds: number;
    proving_seconds: number;
    loss: number;
  };
}

interface MergeDocument {
  instance: string;
  encoding: string;
  statement: Record<string, string | number>;
  witness: { base_weights: number[][]; adapter_a: number[][]; adapter_b: number[][] };
}

interface MergeProveAnswer extends Omit<ProveAnswer, "metadata"> {
  merged_weights: { values: string[][]; scale_bits: number; note: string };
  metadata: { constraints: number; proof_size_bytes: number; witness_seconds: number; proving_seconds: number };
}

interface VerifyAnswer {
  valid: boolean;
  reason: string;
  instance: string;
  public_inputs: Record<string, string | number>;
}

/** Runs `tsx src/cli/<command>.ts args` with `input` on stdin; `onStderr` sees stderr so far (to signal the child). */
function run(
  command: Command,
  input: string | undefined,
  args: string[] = [],
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, path.join("src", "cli", "bin", `${command}.ts`), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => {}); // the command may exit before reading everything
    child.stdin.end(input ?? "");
  });
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer it expects
function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function row(matrix: number[][], i: number): number[] {
  const found = matrix[i];
  if (found === undefined) throw new Error(`no row ${i}`);
  return found;
}

/** Asserts the error answer, the exit code and a one-line stderr message. */
function expectError(
  result: Run,
  exitCode: number,
  code: string,
  field: string | RegExp | null,
  message: RegExp,
): ErrorAnswer {
  expect(result.code, `exit code (stderr: ${result.stderr})`).to.equal(exitCode);
  const answer = json<ErrorAnswer>(result.stdout);
  expect(answer.error.code).to.equal(code);
  expect(answer.error.exit_code).to.equal(exitCode);
  if (field instanceof RegExp) expect(answer.error.field).to.match(field);
  else expect(answer.error.field).to.equal(field);
  expect(answer.error.message).to.match(message);
  const lastLine = result.stderr.trimEnd().split("\n").at(-1) ?? "";
  expect(lastLine).to.match(new RegExp(`error ${exitCode} \\(${code}\\)`));
  return answer;
}

function requireArtifacts(name = instance.name): void {
  const artifacts = instanceArtifacts(name);
  if (!existsSync(artifacts.zkey) || !existsSync(artifacts.wasm)) {
    throw new Error(`${name} is not built: run \`PTAU=... npm run build:circuits\` first`);
  }
}

/** The error `body` throws (the test fails when it throws none). */
function catchError(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, got none");
}

describe("commands: example, prove, verify", function () {
  let tmp: string;
  let step: StepDocument;
  let proved: ProveAnswer | undefined;

  const prove = (document: unknown, args: string[] = ["--quiet"]): Promise<Run> =>
    run("prove", JSON.stringify(document), args);
  const mutated = (change: (document: StepDocument) => void): StepDocument => {
    const copy = clone(step);
    change(copy);
    return copy;
  };
  const proof = (): ProveAnswer => {
    if (proved === undefined) throw new Error("the proving test did not run");
    return clone(proved);
  };

  before(async function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), "lora-ledger-commands-"));
    const example = await run("example", undefined, ["--step", "3", "--seed", "5"]);
    expect(example.code, example.stderr).to.equal(0);
    step = json<StepDocument>(example.stdout);
  });

  after(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  describe("example", function () {
    it("writes a prove input: the default instance and submitter, real encoding, the whole dataset", function () {
      expect(step.instance).to.equal(instance.name);
      expect(step.encoding).to.equal("real");
      expect(step.statement.submitter).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
      expect(step.statement.step).to.equal(3);
      expect(step.witness.dataset).to.have.length(2 ** instance.params.depth);
      expect(step.witness.adapter_b).to.have.length(instance.params.dOut);
    });

    it("writes step N of a trained run: from step 1 on, both A and B move (step 0 starts from B = 0)", function () {
      const moved = (document: Record<string, unknown>, before: string, after: string): boolean => {
        const witness = document.witness as Record<string, unknown>;
        return JSON.stringify(witness[before]) !== JSON.stringify(witness[after]);
      };
      const first = exampleDocument({ step: 0n });
      const second = exampleDocument({ step: 1n });
      expect(moved(first, "adapter_a", "adapter_a_after"), "step 0 leaves A unchanged (B = 0)").to.equal(false);
      expect(moved(first, "adapter_b", "adapter_b_after"), "step 0 moves B").to.equal(true);
      expect(moved(second, "adapter_a", "adapter_a_after"), "step 1 moves A").to.equal(true);
      expect(moved(second, "adapter_b", "adapter_b_after"), "step 1 moves B").to.equal(true);
      // Step 1 starts where step 0 ended.
      const { witness: w0 } = first as { witness: Record<string, unknown> };
      const { witness: w1 } = second as { witness: Record<string, unknown> };
      expect(w1.adapter_a).to.deep.equal(w0.adapter_a_after);
      expect(w1.adapter_b).to.deep.equal(w0.adapter_b_after);
    });

    it("refuses a step above the bound it trains up to, with exit 5", function () {
      const failure = toFailure(catchError(() => exampleDocument({ step: 4097n })));
      expect(failure.exitCode).to.equal(5);
      expect(failure.field).to.equal("--step");
      expect(failure.message).to.match(
        /^--step 4097 is above 4096: example trains every step before the one it writes$/,
      );
    });

    it("refuses an unknown instance with exit 7", async function () {
      expectError(
        await run("example", undefined, ["--instance", "lora_step_1x1"]),
        7,
        "unknown_instance",
        "instance",
        /lora_step_1x1/,
      );
    });
  });

  describe("prove then verify", function () {
    it("proves a generated example (answer on stdout and, atomically, in --out) and verify accepts it as is", async function () {
      requireArtifacts();
      const out = path.join(tmp, "good", "proof.json");
      mkdirSync(path.dirname(out));
      const result = await prove(step, ["--out", out]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/computing the witness and proving/); // progress goes to stderr only
      expect(readFileSync(out, "utf8")).to.equal(result.stdout);
      expect(readdirSync(path.dirname(out))).to.deep.equal(["proof.json"]);

      const answer = json<ProveAnswer>(result.stdout);
      proved = answer;
      expect(answer.success).to.equal(true);
      expect(answer.instance).to.equal(instance.name);
      expect(answer.statement.base_root).to.equal(step.statement.base_root);
      expect(answer.public_signals).to.have.length(7);
      // public_signals are snarkjs's decimal strings; statements write commitments in 0x-hex
      expect(answer.public_signals[0]).to.equal(BigInt(String(step.statement.base_root)).toString());
      expect(step.statement.base_root).to.match(/^0x[0-9a-f]{64}$/);
      expect(answer.public_signals[5]).to.equal("3");
      expect(BigInt(answer.public_signals[6] ?? "0")).to.equal(BigInt(String(step.statement.submitter)));
      expect(answer.calldata.input).to.deep.equal(answer.public_signals);
      expect(answer.calldata.b[0]).to.deep.equal([answer.proof.pi_b[0]?.[1], answer.proof.pi_b[0]?.[0]]);
      expect(answer.public_inputs.submitter).to.equal(step.statement.submitter);
      const manifest = json<{ constraints: number }>(readFileSync(instanceArtifacts(instance.name).manifest, "utf8"));
      expect(answer.metadata.constraints).to.equal(manifest.constraints);
      expect(answer.metadata.proof_size_bytes).to.equal(256);
      expect(answer.metadata.loss).to.be.greaterThan(0);

      const verified = await run("verify", result.stdout, ["--quiet"]);
      expect(verified.code, verified.stderr).to.equal(0);
      const verdict = json<VerifyAnswer>(verified.stdout);
      expect(verdict.valid).to.equal(true);
      expect(verdict.instance).to.equal(instance.name);
      expect(verdict.public_inputs).to.deep.equal(answer.public_inputs);
    });

    it("proves the batch form (Merkle siblings given) in fixed encoding", async function () {
      requireArtifacts();
      const example = await run("example", undefined, [
        "--encoding",
        "fixed",
        "--batch",
        "--step",
        "6",
        "--dataset-size",
        "13",
      ]);
      expect(example.code, example.stderr).to.equal(0);
      const document = json<StepDocument>(example.stdout);
      expect(document.witness.batch?.map((b) => b.position)).to.deep.equal([12, 0]); // (6 * 2 + j) mod 13
      const result = await prove(document);
      expect(result.code, result.stderr).to.equal(0);
      const verified = await run("verify", result.stdout, ["--quiet"]);
      expect(verified.code, verified.stderr).to.equal(0);
      expect(json<VerifyAnswer>(verified.stdout).valid).to.equal(true);
    });

    it("verify: a changed submitter makes the proof invalid (exit 10)", async function () {
      const document = proof();
      document.statement.submitter = OTHER_ADDRESS;
      const withoutSignals: Omit<ProveAnswer, "public_signals"> & { public_signals?: string[] } = document;
      delete withoutSignals.public_signals;
      const result = await run("verify", JSON.stringify(withoutSignals), ["--quiet"]);
      expect(result.code, result.stderr).to.equal(10);
      const verdict = json<VerifyAnswer>(result.stdout);
      expect(verdict.valid).to.equal(false);
      expect(verdict.reason).to.match(/does not verify/);
      expect(String(verdict.public_inputs.submitter).toLowerCase()).to.equal(OTHER_ADDRESS);
    });

    it("verify: public_signals that are not the statement's are exit 8, naming the first differing input", async function () {
      const document = proof();
      document.statement.adapter_after = "12345";
      const result = await run("verify", JSON.stringify(document), ["--quiet"]);
      expectError(
        result,
        8,
        "statement_mismatch",
        "public_signals[4]",
        /public_signals\[4\] \(adapter_after\) is \d+ but statement\.adapter_after is 12345/,
      );
    });

    it("verify: a public signal >= p is exit 5, though it equals the right one mod p (snarkjs would accept it)", async function () {
      const document = proof();
      document.public_signals[0] = (BigInt(document.public_signals[0] ?? "0") + FIELD_MODULUS).toString();
      const result = await run("verify", JSON.stringify(document), ["--quiet"]);
      expectError(
        result,
        5,
        "out_of_range",
        "public_signals[0]",
        /public_signals\[0\] \(base_root\) = \d+ is not a field element/,
      );

      const statement = proof();
      statement.statement.base_root = (BigInt(String(statement.statement.base_root)) + FIELD_MODULUS).toString();
      const viaStatement = await run("verify", JSON.stringify(statement), ["--quiet"]);
      expectError(
        viaStatement,
        5,
        "out_of_range",
        "statement.base_root",
        /statement\.base_root = \d+ is not a field element/,
      );
    });

    it("verify: exit 11 when verification exceeds timeout_ms", async function () {
      const result = await run("verify", JSON.stringify({ ...proof(), timeout_ms: 1 }), ["--quiet"]);
      expectError(result, 11, "timeout", "timeout_ms", /timeout_ms = 1 ms/);
    });
  });

  describe("usage: --help, npm's banner, and a failure earlier in the pipeline", function () {
    it("--help and -h print the command's options on stdout and exit 0, whatever else is given", async function () {
      for (const [command, flag] of [
        ["example", "--help"],
        ["prove", "-h"],
        ["verify", "--help"],
      ] as const) {
        {
          const result = await run(command, "", [flag, "--bogus"]);
          expect(result.code, `${command} ${flag}: ${result.stderr}`).to.equal(0);
          expect(result.stdout).to.match(new RegExp(`^Usage: npm run -s ${command} `));
          expect(result.stdout).to.match(/-h, --help +this text/);
        }
      }
      const prove = await run("prove", "", ["--bogus"]);
      expect(prove.stderr).to.match(/Unknown option '--bogus' \(`npm run -s prove -- --help` lists the options\)/);
    });

    it("stdin that starts with npm's banner (npm run without -s) is exit 2 saying to use npm run -s", async function () {
      const banner = `\n> lora-ledger@0.1.0 example\n> tsx src/cli/bin/example.ts\n\n${JSON.stringify(step)}`;
      expectError(await run("prove", banner, ["--quiet"]), 2, "malformed_json", null, /npm's banner .*`npm run -s`/);
    });

    it("prove and verify pass on the error of the command before them, with its class and exit code", async function () {
      const failedExample = await run("example", undefined, ["--step", "-1"]);
      expect(failedExample.code).to.equal(5);
      const proveAfter = await run("prove", failedExample.stdout, ["--quiet"]);
      expectError(
        proveAfter,
        5,
        "out_of_range",
        "--step",
        /the command before prove in the pipeline failed .*--step -1/,
      );
      const verifyAfter = await run("verify", proveAfter.stdout, ["--quiet"]);
      expect(verifyAfter.code).to.equal(5);
      expect(json<{ valid: boolean; error: { message: string } }>(verifyAfter.stdout).error.message).to.match(
        /the command before verify in the pipeline failed \(out_of_range\): the command before prove/,
      );
    });
  });

  describe("prove: each error class has its exit code and names the field", function () {
    it("malformed JSON: exit 2", async function () {
      expectError(
        await run("prove", '{"instance": ', ["--quiet"]),
        2,
        "malformed_json",
        null,
        /not one valid JSON document/,
      );
    });

    it("missing field: exit 3 naming the JSON path", async function () {
      const result = await prove(mutated((d) => delete d.statement.base_root));
      expectError(result, 3, "missing_field", "statement.base_root", /statement\.base_root is missing/);
    });

    it("mistyped entry: exit 3 naming the entry", async function () {
      const result = await prove(mutated((d) => ((d.witness.adapter_a as unknown as unknown[][])[0] = [0, "x"])));
      expectError(result, 3, "missing_field", "witness.adapter_a[0][1]", /must be a real number/);
    });

    it("wrong shape: exit 4 counting the entries", async function () {
      const result = await prove(mutated((d) => d.witness.adapter_b.pop()));
      const { dOut, rank } = instance.params;
      const need = dOut * rank;
      expectError(
        result,
        4,
        "wrong_shape",
        "witness.adapter_b",
        new RegExp(`^witness\\.adapter_b has ${need - rank} entries; d_out ${dOut} × rank ${rank} needs ${need}`),
      );
    });

    it("a flat array where a matrix belongs: exit 4", async function () {
      const result = await prove(
        mutated((d) => ((d.witness.adapter_a as unknown as number[]) = d.witness.adapter_a.flat())),
      );
      expectError(result, 4, "wrong_shape", "witness.adapter_a", /is a flat array of \d+ entries; it must be a matrix/);
    });

    it("entry outside the fixed-point range: exit 5 naming the entry and the bound", async function () {
      const result = await prove(mutated((d) => (row(d.witness.adapter_a, 1)[3] = 200)));
      expectError(
        result,
        5,
        "out_of_range",
        "witness.adapter_a[1][3]",
        /witness\.adapter_a\[1\]\[3\] = 200 does not fit .* \(allowed \[-128, 127\.99609375\]\)/,
      );
    });

    it("field element >= p: exit 5 naming the field", async function () {
      const result = await prove(mutated((d) => (d.statement.dataset_root = (FIELD_MODULUS + 5n).toString())));
      expectError(
        result,
        5,
        "out_of_range",
        "statement.dataset_root",
        /statement\.dataset_root = \d+ is not a field element/,
      );
    });

    it("adapters after one entry off the step: exit 6 saying which entry and by how much", async function () {
      const unit = 2 ** -instance.params.F;
      const result = await prove(
        mutated((d) => (row(d.witness.adapter_b_after, 2)[1] = (row(d.witness.adapter_b_after, 2)[1] ?? 0) + unit)),
      );
      expectError(
        result,
        6,
        "not_one_step",
        "witness.adapter_b_after[2][1]",
        /one step from the adapters before gives .* off by \+1/,
      );
    });

    it("unknown instance: exit 7", async function () {
      const result = await prove(mutated((d) => (d.instance = "lora_step_3x3")));
      expectError(
        result,
        7,
        "unknown_instance",
        "instance",
        /unknown circuit instance "lora_step_3x3"; known instances: lora_step_8x8/,
      );
    });

    it("base_root not the commitment of base_weights: exit 8, expected vs given", async function () {
      const given = (BigInt(String(step.statement.base_root)) + 1n).toString();
      const result = await prove(mutated((d) => (d.statement.base_root = given)));
      expectError(
        result,
        8,
        "statement_mismatch",
        "statement.base_root",
        new RegExp(
          `statement\\.base_root is not the commitment of witness\\.base_weights: expected ${String(step.statement.base_root)} .*given ${toHex32(BigInt(given))}`,
        ),
      );
    });

    it("a failed prove with --out leaves no file and no temp file", async function () {
      const dir = mkdtempSync(path.join(tmp, "failed-"));
      const result = await prove(
        mutated((d) => (d.statement.base_root = "1")),
        ["--quiet", "--out", path.join(dir, "proof.json")],
      );
      expect(result.code).to.equal(8);
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it("SIGTERM while proving with --out: exit 143, nothing written", async function () {
      requireArtifacts();
      const dir = mkdtempSync(path.join(tmp, "interrupted-"));
      let sent = false;
      const result = await run(
        "prove",
        JSON.stringify(step),
        ["--out", path.join(dir, "proof.json")],
        (stderr, child) => {
          if (!sent && /computing the witness and proving/.test(stderr)) {
            sent = true;
            child.kill("SIGTERM");
          }
        },
      );
      expect(sent).to.equal(true);
      expect(result.code).to.equal(143);
      expect(result.stdout).to.equal("");
      // The command says "interrupted by SIGTERM" when it gets the signal; tsx, which relays it, kills a
      // child busy in synchronous work (the wasm witness calculator) after 30 ms instead. Either way
      // nothing is written: the --out file only appears, by rename, once the answer is complete.
      expect(readdirSync(dir)).to.deep.equal([]);
    });
  });
  describe("numeric statement fields: out of range is exit 5, not an integer (or not a number) exit 3, in every command", function () {
    // PROTOCOL §6: 0 <= step < 2^32. A number of the right type outside its range is out_of_range (5),
    // named with its bound, whatever side it falls on; a non-integer or another type is missing_field (3).
    const STEP_OUT = (value: string): RegExp => new RegExp(`^statement\\.step = ${value} is outside \\[0, 2\\^32\\)$`);
    const STEP_TYPE = /^statement\.step must be an integer in \[0, 2\^32\) \(a JSON number or a decimal string\), got /;
    type Documents = Record<"proveReal" | "proveBatchFixed" | "proveMerge" | "verify", unknown>;
    let documents: Documents;
    /** the documents a row applies to (a merge has no step; rows name them) */
    type Target = keyof Documents;
    interface Row {
      field: string;
      value: unknown;
      exit: 3 | 4 | 5;
      message: RegExp;
      targets: readonly Target[];
    }

    const withValue = (document: unknown, field: string, value: unknown): unknown => {
      const copy = clone(document) as { statement: Record<string, unknown> };
      copy.statement[field] = value;
      return copy;
    };
    const CODES = { 3: "missing_field", 4: "wrong_shape", 5: "out_of_range" } as const;

    /** Runs every (row, target) pair as a process (two at a time), and checks each answer. */
    async function expectRows(rows: readonly Row[]): Promise<void> {
      const jobs = rows.flatMap((r) => r.targets.map((target) => ({ r, target })));
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
          const { r, target } = job;
          const command = target === "verify" ? "verify" : "prove";
          const result = await run(command, JSON.stringify(withValue(documents[target], r.field, r.value)), [
            "--quiet",
          ]);
          const what = `${command} (${target}) with statement.${r.field} = ${JSON.stringify(r.value)}`;
          expect(result.code, `${what}: ${result.stderr}`).to.equal(r.exit);
          const answer = expectError(result, r.exit, CODES[r.exit], `statement.${r.field}`, r.message);
          expect(answer.error.message, what).to.match(r.message);
        }
      };
      await Promise.all([worker(), worker()]);
    }

    /**
     * The same rows through the commands' own functions (proveDocument, verifyDocument) and the exit
     * code table the entry points use (toFailure): what the processes answer, without a process each.
     */
    async function expectRowsInProcess(rows: readonly Row[]): Promise<void> {
      for (const r of rows) {
        for (const target of r.targets) {
          const document = withValue(documents[target], r.field, r.value);
          const what = `${target} with statement.${r.field} = ${JSON.stringify(r.value)}`;
          let failure: ReturnType<typeof toFailure> | undefined;
          try {
            await (target === "verify" ? verifyDocument(document) : proveDocument(document));
          } catch (error) {
            failure = toFailure(error);
          }
          expect(failure, `${what} must fail`).to.not.equal(undefined);
          expect([failure?.exitCode, failure?.code, failure?.field], `${what}: ${failure?.message}`).to.deep.equal([
            r.exit,
            CODES[r.exit],
            `statement.${r.field}`,
          ]);
          expect(failure?.message, what).to.match(r.message);
        }
      }
    }

    before(async function () {
      const [batchFixed, merge] = await Promise.all([
        run("example", undefined, ["--encoding", "fixed", "--batch", "--step", "3", "--seed", "5"]),
        run("example", undefined, ["--merge", "--step", "3", "--seed", "5"]),
      ]);
      expect(batchFixed.code, batchFixed.stderr).to.equal(0);
      expect(merge.code, merge.stderr).to.equal(0);
      // verify checks the statement before the proof: any well-formed proof will do.
      const dummyProof = {
        pi_a: ["1", "2", "1"],
        pi_b: [
          ["1", "2"],
          ["3", "4"],
          ["1", "0"],
        ],
        pi_c: ["1", "2", "1"],
      };
      documents = {
        proveReal: step,
        proveBatchFixed: json(batchFixed.stdout),
        proveMerge: json(merge.stdout),
        verify: { instance: step.instance, encoding: step.encoding, statement: step.statement, proof: dummyProof },
      };
    });

    it("statement.step = 2^32 and -1 are both exit 5 naming the bound, in prove (both forms) and verify", async function () {
      const every: Target[] = ["proveReal", "proveBatchFixed", "verify"];
      await expectRows([
        { field: "step", value: 2 ** 32, exit: 5, message: STEP_OUT("4294967296"), targets: ["proveReal", "verify"] },
        { field: "step", value: -1, exit: 5, message: STEP_OUT("-1"), targets: ["proveReal", "verify"] },
      ]);
      await expectRowsInProcess([
        { field: "step", value: 2 ** 32, exit: 5, message: STEP_OUT("4294967296"), targets: every },
        { field: "step", value: "4294967296", exit: 5, message: STEP_OUT("4294967296"), targets: every },
        { field: "step", value: -1, exit: 5, message: STEP_OUT("-1"), targets: every },
        { field: "step", value: "-1", exit: 5, message: STEP_OUT("-1"), targets: every },
        {
          field: "step",
          value: 1e20,
          exit: 5,
          message: STEP_OUT("100000000000000000000"),
          targets: ["proveReal", "verify"],
        },
      ]);
    });

    it('statement.step = 1.5, "abc", null or true is exit 3 (an integer is expected), in prove and verify', async function () {
      const every: Target[] = ["proveReal", "proveBatchFixed", "verify"];
      await expectRows([
        {
          field: "step",
          value: 1.5,
          exit: 3,
          message: new RegExp(STEP_TYPE.source + "number 1\\.5$"),
          targets: ["proveReal", "verify"],
        },
        {
          field: "step",
          value: "abc",
          exit: 3,
          message: new RegExp(STEP_TYPE.source + 'the string "abc"$'),
          targets: ["proveBatchFixed"],
        },
      ]);
      await expectRowsInProcess([
        { field: "step", value: 1.5, exit: 3, message: new RegExp(STEP_TYPE.source + "number 1\\.5$"), targets: every },
        {
          field: "step",
          value: "abc",
          exit: 3,
          message: new RegExp(STEP_TYPE.source + 'the string "abc"$'),
          targets: every,
        },
        { field: "step", value: "1.5", exit: 3, message: STEP_TYPE, targets: ["proveReal"] },
        { field: "step", value: null, exit: 3, message: STEP_TYPE, targets: ["proveReal", "verify"] },
        { field: "step", value: true, exit: 3, message: STEP_TYPE, targets: ["proveReal"] },
      ]);
    });

    it("example --step: 2^32 and -1 are exit 5, 1.5 and abc exit 3 (as in the documents)", async function () {
      const [high, negative, fraction, text, mergeNegative] = await Promise.all([
        run("example", undefined, ["--step", "4294967296"]),
        run("example", undefined, ["--step", "-1"]),
        run("example", undefined, ["--step", "1.5"]),
        run("example", undefined, ["--step", "abc"]),
        run("example", undefined, ["--merge", "--step", "-1"]),
      ]);
      expectError(high, 5, "out_of_range", "--step", /^--step 4294967296 is outside \[0, 2\^32\)$/);
      expectError(negative, 5, "out_of_range", "--step", /^--step -1 is outside \[0, 2\^32\)$/);
      expectError(mergeNegative, 5, "out_of_range", "--step", /^--step -1 is outside \[0, 2\^32\)$/);
      expectError(fraction, 3, "missing_field", "--step", /^--step must be an integer, got "1\.5"$/);
      expectError(text, 3, "missing_field", "--step", /^--step must be an integer, got "abc"$/);
      expectError(
        await run("example", undefined, ["--dataset-size", "-1"]),
        5,
        "out_of_range",
        "--dataset-size",
        /^--dataset-size -1 is outside \[1, 16\] \(depth 4\)$/,
      );
    });

    it("dataset_size, rank, alpha, learning_rate: the same classes, in every document that has them (table)", async function () {
      const { depth, rank } = instance.params;
      const sizeOut = (value: string): RegExp =>
        new RegExp(`^statement\\.dataset_size = ${value} is outside \\[1, 2\\^${depth}\\] \\(depth ${depth}\\)$`);
      const sizeType =
        /^statement\.dataset_size must be an integer in \[1, 2\^depth\] \(a JSON number or a decimal string\), got /;
      const sized: Target[] = ["proveReal", "proveBatchFixed", "proveMerge", "verify"];
      const rankOther = (value: string): RegExp =>
        new RegExp(`^statement\\.rank is ${value} but instance \\S+ has rank ${rank}$`);
      const everyRank: Target[] = ["proveReal", "proveBatchFixed", "proveMerge", "verify"];
      const real: Target[] = ["proveReal", "proveMerge", "verify"];
      const hparamRows = (field: "alpha" | "learning_rate"): Row[] => [
        {
          field,
          value: -1,
          exit: 5,
          message: new RegExp(
            `^statement\\.${field} = -1 does not fit 16-bit unsigned fixed point at scale 2\\^8 \\(allowed \\[0, 255\\.99609375\\]\\)$`,
          ),
          targets: real,
        },
        {
          field,
          value: 256,
          exit: 5,
          message: new RegExp(`^statement\\.${field} = 256 does not fit 16-bit unsigned fixed point`),
          targets: real,
        },
        {
          field,
          value: "abc",
          exit: 3,
          message: new RegExp(
            `^statement\\.${field} must be a real number \\(encoding "real"\\), got the string "abc"$`,
          ),
          targets: real,
        },
        {
          field,
          value: -1,
          exit: 5,
          message: new RegExp(
            `^statement\\.${field} = -1 does not fit 16-bit unsigned integer \\(allowed \\[0, 65535\\]\\)$`,
          ),
          targets: ["proveBatchFixed"],
        },
        {
          field,
          value: 65536,
          exit: 5,
          message: new RegExp(
            `^statement\\.${field} = 65536 does not fit 16-bit unsigned integer \\(allowed \\[0, 65535\\]\\)$`,
          ),
          targets: ["proveBatchFixed"],
        },
        {
          field,
          value: 1.5,
          exit: 3,
          message: new RegExp(
            `^statement\\.${field} must be an integer in \\[0, 2\\^16\\) \\(encoding "fixed"\\) \\(a JSON number or a decimal string\\), got number 1\\.5$`,
          ),
          targets: ["proveBatchFixed"],
        },
      ];
      await expectRowsInProcess([
        { field: "dataset_size", value: -1, exit: 5, message: sizeOut("-1"), targets: sized },
        { field: "dataset_size", value: 0, exit: 5, message: sizeOut("0"), targets: sized },
        {
          field: "dataset_size",
          value: 2 ** depth + 1,
          exit: 5,
          message: sizeOut(String(2 ** depth + 1)),
          targets: sized,
        },
        { field: "dataset_size", value: "-1", exit: 5, message: sizeOut("-1"), targets: ["proveBatchFixed"] },
        {
          field: "dataset_size",
          value: 1.5,
          exit: 3,
          message: new RegExp(sizeType.source + "number 1\\.5$"),
          targets: sized,
        },
        { field: "dataset_size", value: "abc", exit: 3, message: sizeType, targets: ["proveBatchFixed"] },
        // rank is a cross-check against the instance: any other integer is a shape error (exit 4).
        { field: "rank", value: -1, exit: 4, message: rankOther("-1"), targets: everyRank },
        { field: "rank", value: rank + 1, exit: 4, message: rankOther(String(rank + 1)), targets: everyRank },
        {
          field: "rank",
          value: 1.5,
          exit: 3,
          message: /^statement\.rank must be a positive integer, the instance's rank, got number 1\.5$/,
          targets: everyRank,
        },
        ...hparamRows("alpha"),
        ...hparamRows("learning_rate"),
      ]);
    });
  });

  describe("merge documents (a LoraMerge instance)", function () {
    const mergeInstance = mergeInstanceFor(instance);
    let merge: MergeDocument;
    let mergeProved: MergeProveAnswer | undefined;
    const mergeMutated = (change: (document: MergeDocument) => void): MergeDocument => {
      const copy = clone(merge);
      change(copy);
      return copy;
    };
    const mergeProof = (): MergeProveAnswer => {
      if (mergeProved === undefined) throw new Error("the merge proving test did not run");
      return clone(mergeProved);
    };

    before(async function () {
      if (mergeInstance === undefined)
        throw new Error(`circuits/instances.json declares no LoraMerge instance for ${instance.name}`);
      const example = await run("example", undefined, ["--merge", "--step", "3", "--seed", "5"]);
      expect(example.code, example.stderr).to.equal(0);
      merge = json<MergeDocument>(example.stdout);
    });

    it("example --merge: the merge of the step example's adapter_after (same --step and --seed)", async function () {
      expect(merge.instance).to.equal(mergeInstance?.name);
      expect(merge.statement.adapter).to.equal(step.statement.adapter_after);
      expect(merge.statement.base_root).to.equal(step.statement.base_root);
      expect(merge.statement.hparams_hash).to.equal(step.statement.hparams_hash);
      expect(Object.keys(merge.witness)).to.deep.equal(["base_weights", "adapter_a", "adapter_b"]);
      expectError(
        await run("example", undefined, ["--merge", "--batch"]),
        3,
        "missing_field",
        "--batch",
        /does not apply to a merge example/,
      );
    });

    it("proves a merge without merged_root (computed and returned, with the exact merged weights) and verify accepts it", async function () {
      requireArtifacts(mergeInstance?.name);
      const expectedRoot = merge.statement.merged_root;
      const result = await prove(mergeMutated((d) => delete d.statement.merged_root));
      expect(result.code, result.stderr).to.equal(0);
      const answer = json<MergeProveAnswer>(result.stdout);
      mergeProved = answer;
      expect(answer.instance).to.equal(mergeInstance?.name);
      expect(answer.statement.merged_root).to.equal(expectedRoot);
      expect(answer.public_signals).to.deep.equal(
        [merge.statement.base_root, merge.statement.adapter, merge.statement.hparams_hash, expectedRoot].map((value) =>
          BigInt(String(value)).toString(),
        ),
      );
      expect(answer.public_inputs).to.deep.equal({
        base_root: merge.statement.base_root,
        adapter: merge.statement.adapter,
        hparams_hash: merge.statement.hparams_hash,
        merged_root: expectedRoot,
      });
      expect(answer.calldata.input).to.deep.equal(answer.public_signals);
      const { dIn, dOut, F, FW } = instance.params;
      expect(answer.merged_weights.scale_bits).to.equal(3 * F);
      expect(answer.merged_weights.note).to.match(/integers at scale 2\^24/);
      expect(answer.merged_weights.values).to.have.length(dOut);
      expect(
        answer.merged_weights.values.every((r) => r.length === dIn && r.every((v) => /^-?[0-9]+$/.test(v))),
      ).to.equal(true);
      // Entry [0][0] by hand from the real-encoded witness: Ŵ 2^(3F-FW) + α̂ Σ_k B̂[0][k] Â[k][0].
      const fixed = (value: number | string | undefined, scaleBits: number): bigint =>
        BigInt(Math.round(Number(value ?? 0) * 2 ** scaleBits));
      let lora = 0n;
      for (let k = 0; k < instance.params.rank; k++) {
        lora += fixed(row(merge.witness.adapter_b, 0)[k], F) * fixed(row(merge.witness.adapter_a, k)[0], F);
      }
      const w00 =
        fixed(row(merge.witness.base_weights, 0)[0], FW) * 2n ** BigInt(3 * F - FW) +
        fixed(merge.statement.alpha, F) * lora;
      expect(answer.merged_weights.values[0]?.[0]).to.equal(w00.toString());
      expect(answer.metadata.proof_size_bytes).to.equal(256);

      const verified = await run("verify", result.stdout, ["--quiet"]);
      expect(verified.code, verified.stderr).to.equal(0);
      const verdict = json<VerifyAnswer>(verified.stdout);
      expect(verdict.valid).to.equal(true);
      expect(verdict.public_inputs).to.deep.equal(answer.public_inputs);
    });

    it("verify: another merged root is an invalid proof (exit 10), or a public_signals mismatch (exit 8)", async function () {
      const other = (BigInt(String(merge.statement.merged_root)) + 1n).toString();
      const withoutSignals: Omit<MergeProveAnswer, "public_signals"> & { public_signals?: string[] } = mergeProof();
      withoutSignals.statement.merged_root = other;
      delete withoutSignals.public_signals;
      const invalid = await run("verify", JSON.stringify(withoutSignals), ["--quiet"]);
      expect(invalid.code, invalid.stderr).to.equal(10);
      expect(json<VerifyAnswer>(invalid.stdout).reason).to.match(/another adapter or merged root/);

      const document = mergeProof();
      document.statement.merged_root = other;
      expectError(
        await run("verify", JSON.stringify(document), ["--quiet"]),
        8,
        "statement_mismatch",
        "public_signals[3]",
        /public_signals\[3\] \(merged_root\) is \d+ but statement\.merged_root is \d+/,
      );
    });

    it("prove: the error classes of a merge document, before proving", async function () {
      const { dOut, rank } = instance.params;
      expectError(
        await prove(mergeMutated((d) => delete d.statement.dataset_size)),
        3,
        "missing_field",
        "statement.dataset_size",
        /dataset_size is missing/,
      );
      expectError(
        await prove(mergeMutated((d) => delete d.statement.adapter)),
        3,
        "missing_field",
        "statement.adapter",
        /statement\.adapter is missing/,
      );
      expectError(
        await prove(mergeMutated((d) => d.witness.adapter_b.pop())),
        4,
        "wrong_shape",
        "witness.adapter_b",
        new RegExp(
          `^witness\\.adapter_b has ${dOut * rank - rank} entries; d_out ${dOut} × rank ${rank} needs ${dOut * rank}`,
        ),
      );
      expectError(
        await prove(mergeMutated((d) => (row(d.witness.adapter_a, 1)[3] = 200))),
        5,
        "out_of_range",
        "witness.adapter_a[1][3]",
        /does not fit/,
      );
      expectError(
        await prove(mergeMutated((d) => (d.statement.merged_root = (FIELD_MODULUS + 1n).toString()))),
        5,
        "out_of_range",
        "statement.merged_root",
        /is not a field element/,
      );
      expectError(
        await prove(mergeMutated((d) => (d.statement.adapter = step.statement.adapter_before ?? "missing"))),
        8,
        "statement_mismatch",
        "statement.adapter",
        /statement\.adapter is not the commitment of witness\.adapter_a and witness\.adapter_b: expected 0x[0-9a-f]{64} \(computed from the witness\), given 0x[0-9a-f]{64}/,
      );
      expectError(
        await prove(mergeMutated((d) => (d.statement.merged_root = "12345"))),
        8,
        "statement_mismatch",
        "statement.merged_root",
        /statement\.merged_root is not the commitment of the merged weights W0 \+ alpha B A .*given 0x0{60}3039/,
      );
    });
  });
});
