// The known-answer vectors of docs/PROTOCOL.md (test/fixtures/vectors/*.json): each one recomputed
// from its inputs with the library, and the circuit's public signals for the step vector. A change
// that moves any of these numbers changes the protocol: regenerate the vectors deliberately with
// `npx tsx test/fixtures/generate-vectors.ts`, never to make this test pass.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  TAGS,
  adapterCommitment,
  baseRoot,
  batchPositions,
  buildTree,
  buildCircuitInput,
  commitDataset,
  datasetRoot,
  exampleLeaf,
  hparamsHash,
  loraStep,
  makeMerge,
  mergePublicSignals,
  mergedBits,
  packHash,
  packSigned,
  poseidonHash,
  publicSignals,
  rootFromProof,
  toField,
  valuesPerWord,
  type Example,
  type StepShape,
  type StepStatement,
} from "../../src/protocol/index.js";
import { defaultInstance, instanceArtifacts } from "../../src/node/index.js";
import { VECTORS_DIR, formatVector, generateVectors } from "../fixtures/generate-vectors.js";
import { calculateWitness } from "../helpers/circuit.js";

type Dec = string;
interface ExampleJson {
  x: Dec[];
  t: Dec[];
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the vector file's type
function load<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, `${name}.json`), "utf8")) as T;
}
const big = (v: Dec): bigint => BigInt(v);
const bigs = (v: readonly Dec[]): bigint[] => v.map(big);
const matrix = (m: readonly (readonly Dec[])[]): bigint[][] => m.map(bigs);
const examples = (list: readonly ExampleJson[]): Example[] => list.map((e) => ({ x: bigs(e.x), t: bigs(e.t) }));

interface PackingVectors {
  cases: { bits: number; values_per_word: number; values: Dec[]; words: Dec[]; pack_hash_tag_3: Dec }[];
}
interface CommitmentVectors {
  instance: string;
  shape: StepShape;
  tags: Record<string, Dec>;
  base: { w0: Dec[][]; base_root: Dec };
  adapter: { a: Dec[][]; b: Dec[][]; adapter_commitment: Dec };
  example_leaf: { x: Dec[]; t: Dec[]; leaf: Dec };
  dataset: { examples: ExampleJson[]; dataset_size: Dec; tree_root: Dec; dataset_root: Dec };
  hparams: { alpha: Dec; lr: Dec; dataset_size: Dec; hparams_hash: Dec };
}
interface MerkleVectors {
  depth: number;
  leaves: Dec[];
  root: Dec;
  path: { index: number; leaf: Dec; path_bits: number[]; siblings: Dec[] };
}
interface BatchVectors {
  batch: number;
  dataset_size: Dec;
  depth: number;
  steps: { step: Dec; positions: number[] }[];
}
interface StepVectors {
  instance: string;
  shape: StepShape;
  inputs: {
    w0: Dec[][];
    a: Dec[][];
    b: Dec[][];
    alpha: Dec;
    lr: Dec;
    dataset: ExampleJson[];
    step: Dec;
    submitter: Dec;
  };
  batch: { positions: number[]; x: Dec[][]; t: Dec[][]; siblings: Dec[][] };
  intermediates: Record<"h" | "y" | "e" | "u" | "GA" | "GB", Dec[][]>;
  outputs: { a_next: Dec[][]; b_next: Dec[][] };
  statement: Record<
    "base_root" | "dataset_root" | "hparams_hash" | "adapter_before" | "adapter_after" | "step" | "submitter",
    Dec
  >;
  public_signals: Dec[];
}
interface MergeVectors {
  shape: StepShape;
  inputs: { w0: Dec[][]; a: Dec[][]; b: Dec[][]; alpha: Dec; lr: Dec; dataset_size: Dec };
  merged_bits: number;
  scale_bits: number;
  merged_weights: Dec[][];
  statement: Record<"base_root" | "adapter" | "hparams_hash" | "merged_root", Dec>;
  public_signals: Dec[];
}

describe("known-answer vectors (test/fixtures/vectors, cited by docs/PROTOCOL.md)", function () {
  it("the files are what the generator writes (no hand edits, no stale file)", function () {
    for (const [name, content] of Object.entries(generateVectors())) {
      expect(readFileSync(path.join(VECTORS_DIR, `${name}.json`), "utf8"), `${name}.json`).to.equal(
        formatVector(content),
      );
    }
  });

  it("packing and PackHash (§5)", function () {
    const { cases } = load<PackingVectors>("packing");
    for (const c of cases) {
      const values = bigs(c.values);
      expect(valuesPerWord(c.bits)).to.equal(c.values_per_word);
      expect(packSigned(values, c.bits).map(String)).to.deep.equal(c.words);
      // The definition, independently: word_m = Σ_s (v + 2^(b-1)) 2^(b s).
      const words = Array.from({ length: Math.ceil(values.length / c.values_per_word) }, (_, m) =>
        values
          .slice(m * c.values_per_word, (m + 1) * c.values_per_word)
          .reduce((word, v, s) => word + ((v + (1n << BigInt(c.bits - 1))) << BigInt(c.bits * s)), 0n),
      );
      expect(words.map(String)).to.deep.equal(c.words);
      expect(packHash(3n, values, c.bits).toString()).to.equal(c.pack_hash_tag_3);
      if (words.length <= 15)
        expect(poseidonHash([(3n << 64n) + BigInt(values.length), ...words]).toString()).to.equal(c.pack_hash_tag_3);
    }
  });

  it("the commitments: base root, adapter, example leaf, dataset root, hyperparameters (§5)", function () {
    const v = load<CommitmentVectors>("commitments");
    const shape = v.shape;
    expect(Object.fromEntries(Object.entries(TAGS).map(([name, tag]) => [name, tag.toString()]))).to.deep.equal(v.tags);
    expect(baseRoot(matrix(v.base.w0), shape).toString()).to.equal(v.base.base_root);
    expect(adapterCommitment(matrix(v.adapter.a), matrix(v.adapter.b), shape).toString()).to.equal(
      v.adapter.adapter_commitment,
    );
    expect(exampleLeaf(bigs(v.example_leaf.x), bigs(v.example_leaf.t), shape).toString()).to.equal(v.example_leaf.leaf);
    const committed = commitDataset(examples(v.dataset.examples), shape);
    expect([committed.size, committed.treeRoot, committed.datasetRoot].map(String)).to.deep.equal([
      v.dataset.dataset_size,
      v.dataset.tree_root,
      v.dataset.dataset_root,
    ]);
    expect(datasetRoot(big(v.dataset.tree_root), big(v.dataset.dataset_size)).toString()).to.equal(
      v.dataset.dataset_root,
    );
    expect(
      hparamsHash(shape, big(v.hparams.alpha), big(v.hparams.lr), big(v.hparams.dataset_size)).toString(),
    ).to.equal(v.hparams.hparams_hash);
  });

  it("a Merkle root and the path of a leaf (§5, dataset tree)", function () {
    const v = load<MerkleVectors>("merkle");
    const tree = buildTree(bigs(v.leaves), v.depth);
    expect(tree.root.toString()).to.equal(v.root);
    const proof = tree.proof(v.path.index);
    expect(proof.siblings.map(String)).to.deep.equal(v.path.siblings);
    expect(proof.pathBits).to.deep.equal(v.path.path_bits);
    expect(rootFromProof(big(v.path.leaf), v.path.index, bigs(v.path.siblings)).toString()).to.equal(v.root);
  });

  it("the batch positions of a few steps (§6)", function () {
    const v = load<BatchVectors>("batches");
    const shape = { ...defaultInstance().params, batch: v.batch, depth: v.depth };
    for (const { step, positions } of v.steps) {
      expect(batchPositions(big(step), shape, big(v.dataset_size)), `step ${step}`).to.deep.equal(positions);
      // (t n + j) mod datasetSize, independently
      expect(positions).to.deep.equal(
        positions.map((_, j) => Number((big(step) * BigInt(v.batch) + BigInt(j)) % big(v.dataset_size))),
      );
    }
  });

  describe("one training step of the test instance (§3, §6, §7)", function () {
    const v = load<StepVectors>("step");
    const shape = v.shape;
    const dataset = examples(v.inputs.dataset);
    const committed = commitDataset(dataset, shape);
    const statement: StepStatement = {
      baseRoot: big(v.statement.base_root),
      datasetRoot: big(v.statement.dataset_root),
      hparamsHash: big(v.statement.hparams_hash),
      adapterBefore: big(v.statement.adapter_before),
      adapterAfter: big(v.statement.adapter_after),
      step: big(v.statement.step),
      submitter: big(v.statement.submitter),
    };

    it("the batch, the intermediates, the adapters after, the statement and the public signals", function () {
      expect(v.shape).to.deep.equal(defaultInstance().params);
      const positions = batchPositions(big(v.inputs.step), shape, committed.size);
      expect(positions).to.deep.equal(v.batch.positions);
      const batch = positions.map((p) => dataset[p] as Example);
      expect(batch.map((e) => e.x.map(String))).to.deep.equal(v.batch.x);
      expect(batch.map((e) => e.t.map(String))).to.deep.equal(v.batch.t);
      expect(positions.map((p) => committed.tree.proof(p).siblings.map(String))).to.deep.equal(v.batch.siblings);

      const a = matrix(v.inputs.a);
      const b = matrix(v.inputs.b);
      const w0 = matrix(v.inputs.w0);
      const alpha = big(v.inputs.alpha);
      const lr = big(v.inputs.lr);
      const result = loraStep({ shape, w0, a, b, alpha, lr, xs: matrix(v.batch.x), ts: matrix(v.batch.t) });
      const text = (m: bigint[][]): string[][] => m.map((row) => row.map(String));
      expect(text(result.h)).to.deep.equal(v.intermediates.h);
      expect(text(result.y)).to.deep.equal(v.intermediates.y);
      expect(text(result.e)).to.deep.equal(v.intermediates.e);
      expect(text(result.u)).to.deep.equal(v.intermediates.u);
      expect(text(result.gradients.GA)).to.deep.equal(v.intermediates.GA);
      expect(text(result.gradients.GB)).to.deep.equal(v.intermediates.GB);
      expect(text(result.aNext)).to.deep.equal(v.outputs.a_next);
      expect(text(result.bNext)).to.deep.equal(v.outputs.b_next);
      expect(
        result.aNext.flat().some((value, i) => value !== a.flat()[i]),
        "A moves in this step",
      ).to.equal(true);
      expect(
        result.bNext.flat().some((value, i) => value !== b.flat()[i]),
        "B moves in this step",
      ).to.equal(true);

      expect(baseRoot(w0, shape)).to.equal(statement.baseRoot);
      expect(committed.datasetRoot).to.equal(statement.datasetRoot);
      expect(hparamsHash(shape, alpha, lr, committed.size)).to.equal(statement.hparamsHash);
      expect(adapterCommitment(a, b, shape)).to.equal(statement.adapterBefore);
      expect(adapterCommitment(result.aNext, result.bNext, shape)).to.equal(statement.adapterAfter);
      expect([statement.step, statement.submitter].map(String)).to.deep.equal([v.inputs.step, v.inputs.submitter]);
      expect(publicSignals(statement).map(String)).to.deep.equal(v.public_signals);
    });

    it("the circuit of the test instance gives the vector's public signals", async function () {
      const wasm = instanceArtifacts(v.instance).wasm;
      if (!existsSync(wasm))
        throw new Error(`${v.instance} is not built: run \`PTAU=... npm run build:circuits\` first`);
      const input = buildCircuitInput(shape, statement, {
        w0: matrix(v.inputs.w0),
        a: matrix(v.inputs.a),
        b: matrix(v.inputs.b),
        aNext: matrix(v.outputs.a_next),
        bNext: matrix(v.outputs.b_next),
        alpha: big(v.inputs.alpha),
        lr: big(v.inputs.lr),
        datasetSize: committed.size,
        examples: v.batch.x.map((x, j) => ({ x: bigs(x), t: bigs(v.batch.t[j] ?? []) })),
        siblings: matrix(v.batch.siblings),
      });
      const witness = await calculateWitness(wasm, input);
      // Wire 0 is the constant 1; the public inputs follow, in PROTOCOL §7 order.
      expect(witness.slice(1, 1 + v.public_signals.length)).to.deep.equal(bigs(v.public_signals).map(toField));
    });
  });

  it("the merge of the step's adapter after (§9)", function () {
    const v = load<MergeVectors>("merge");
    const shape = v.shape;
    const made = makeMerge({
      shape,
      w0: matrix(v.inputs.w0),
      a: matrix(v.inputs.a),
      b: matrix(v.inputs.b),
      alpha: big(v.inputs.alpha),
      lr: big(v.inputs.lr),
      datasetSize: big(v.inputs.dataset_size),
    });
    expect(mergedBits(shape)).to.equal(v.merged_bits);
    expect(v.scale_bits).to.equal(3 * shape.F);
    expect(made.merged.map((row) => row.map(String))).to.deep.equal(v.merged_weights);
    // Entry [0][0] by the formula of §9: Ŵ 2^(3F-FW) + α̂ Σ_k B̂[0][k] Â[k][0].
    const lora = v.inputs.b[0]?.reduce((sum, bk, k) => sum + big(bk) * big(v.inputs.a[k]?.[0] ?? "0"), 0n) ?? 0n;
    const w00 = big(v.inputs.w0[0]?.[0] ?? "0") * (1n << BigInt(3 * shape.F - shape.FW)) + big(v.inputs.alpha) * lora;
    expect(w00.toString()).to.equal(v.merged_weights[0]?.[0]);
    const step = load<StepVectors>("step");
    expect(v.inputs.a).to.deep.equal(step.outputs.a_next);
    expect(v.statement.adapter).to.equal(step.statement.adapter_after);
    expect({
      base_root: made.statement.baseRoot.toString(),
      adapter: made.statement.adapter.toString(),
      hparams_hash: made.statement.hparamsHash.toString(),
      merged_root: made.statement.mergedRoot.toString(),
    }).to.deep.equal(v.statement);
    expect(mergePublicSignals(made.statement).map(String)).to.deep.equal(v.public_signals);
  });
});
