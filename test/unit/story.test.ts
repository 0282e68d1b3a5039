// What a run says beyond its proofs (src/protocol/datasetCard.ts, src/training/evaluation.ts): dataset
// cards as data: URIs read back exactly and refused with the field named; the held-out evaluations the
// trainer reports, as exact fractions equal to the reference's own measures; and the generator's held-out
// examples, which leave its dataset as it is.
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import {
  canonicalInit,
  checkpointShapeOf,
  DATASET_CARD_SCHEMA,
  datasetCardUri,
  datasetUriSummary,
  forward,
  meanSquaredError,
  readDatasetUri,
  syntheticTask,
  type DatasetCard,
} from "../../src/protocol/index.js";
import { getInstance } from "../../src/node/index.js";
import {
  DIGITS_CHECKPOINT_INSTANCE,
  digitsHeldOutAccuracy,
  digitsTask,
  GENERATED_HELD_OUT,
  loadRunConfig,
  loadTask,
} from "../../src/training/index.js";
import { formatEvaluation } from "../../src/chain/index.js";

const card: Omit<DatasetCard, "schema"> = {
  name: "UCI handwritten digits — shifted one pixel (ü, 手)",
  license: "CC-BY-4.0",
  examples: 256,
  description: "8x8 images; x = pixel/16",
  source: "https://archive.ics.uci.edu/dataset/80",
  sha256: "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a",
};

const base64Json = (value: unknown): string =>
  `data:application/json;base64,${Buffer.from(JSON.stringify(value)).toString("base64")}`;

describe("dataset cards: what a registrant says a dataset is, on-chain as a data: URI", function () {
  it("round-trips every field, UTF-8 included, through the base64 data: URI registerDataset stores", function () {
    const uri = datasetCardUri(card);
    expect(uri.startsWith("data:application/json;base64,")).to.equal(true);
    expect(readDatasetUri(uri)).to.deep.equal({ kind: "card", card: { schema: DATASET_CARD_SCHEMA, ...card } });
    // Node's own base64 reads the same JSON (the page's encoder is not only self-consistent).
    const json = Buffer.from(uri.slice(uri.indexOf(",") + 1), "base64").toString("utf8");
    expect(JSON.parse(json)).to.deep.equal({ schema: DATASET_CARD_SCHEMA, ...card });
  });

  it("reads a percent-encoded data: URI with a charset, and tells links and nothing apart (never fetched)", function () {
    const plain = `data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify({ schema: DATASET_CARD_SCHEMA, ...card }))}`;
    expect(readDatasetUri(plain)).to.deep.equal({ kind: "card", card: { schema: DATASET_CARD_SCHEMA, ...card } });
    expect(readDatasetUri("")).to.deep.equal({ kind: "none" });
    expect(readDatasetUri("ipfs://bafy/digits.json")).to.deep.equal({ kind: "link", uri: "ipfs://bafy/digits.json" });
    expect(readDatasetUri("data:text/plain,hello")).to.deep.equal({ kind: "link", uri: "data:text/plain,hello" });
  });

  it("refuses what is not a card, naming the field and the rule", function () {
    const full = { schema: DATASET_CARD_SCHEMA, ...card };
    const reasons = (value: unknown): string => {
      const reading = readDatasetUri(base64Json(value));
      if (reading.kind !== "invalid") throw new Error(`read as ${reading.kind}`);
      return reading.reason;
    };
    expect(reasons({ ...full, examples: 0 })).to.match(/examples/);
    expect(reasons({ ...full, examples: 2.5 })).to.match(/examples/);
    expect(reasons({ ...full, name: "" })).to.match(/name/);
    expect(reasons({ ...full, schema: "lora-ledger/dataset-card@2" })).to.match(/schema/);
    expect(reasons({ ...full, sha256: "XYZ" })).to.match(/64 lower-case hex digits.*at sha256/s);
    expect(reasons({ ...full, license: undefined })).to.match(/license/);
    const broken = readDatasetUri("data:application/json;base64,%%%");
    expect(broken.kind === "invalid" && broken.reason).to.match(/does not decode/);
    const notJson = readDatasetUri(`data:application/json,${encodeURIComponent("{name:")}`);
    expect(notJson.kind === "invalid" && notJson.reason).to.match(/not JSON/);
    expect(() => datasetCardUri({ ...card, license: "" })).to.throw(/license/);
  });

  it("sums a uri up for the query: the card's name and licence, a size that is not the registered one, links as they are", function () {
    const uri = datasetCardUri(card);
    const registered = { size: 256n };
    expect(datasetUriSummary(uri, registered)).to.equal(`${card.name} (CC-BY-4.0; the registrant's card)`);
    expect(datasetUriSummary(uri, { size: 16n })).to.match(
      /WARNING: the card says 256 examples, the registered size is 16\)$/,
    );
    expect(datasetUriSummary("https://data.example/d.json", registered)).to.equal("https://data.example/d.json");
    expect(datasetUriSummary("", registered)).to.equal("");
    expect(datasetUriSummary(base64Json({ name: "x" }), registered)).to.match(
      /^invalid dataset card: not a lora-ledger/,
    );
  });
});

describe("held-out evaluations: the trainer's reports as exact fractions", function () {
  this.timeout(120_000);
  const shape = checkpointShapeOf(getInstance("lora_checkpoint_8x8_r2_b2_d4_k2"));

  it("the generator's held-out examples come after its dataset: asking for them changes no example", function () {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 16 }), (seed, datasetSize) => {
        const without = syntheticTask(shape, { seed, datasetSize });
        const withHeldOut = syntheticTask(shape, { seed, datasetSize, heldOut: 8 });
        expect(withHeldOut.dataset).to.deep.equal(without.dataset);
        expect([withHeldOut.w0, withHeldOut.a]).to.deep.equal([without.w0, without.a]);
        expect(withHeldOut.heldOut).to.have.length(8);
        expect(without.heldOut).to.equal(undefined);
        // held out: none of them is a dataset example
        const seen = new Set(without.dataset.map((example) => JSON.stringify(example.x.map(String))));
        expect(withHeldOut.heldOut?.some((example) => seen.has(JSON.stringify(example.x.map(String))))).to.equal(false);
      }),
      { numRuns: 20 },
    );
  });

  it("generated task: its card and the mean squared error Σ E² / (n · d_out · 2^6F) on its 64 held-out examples", function () {
    const task = loadTask(shape, loadRunConfig({}));
    expect(task.card).to.deep.include({ license: "CC0-1.0", examples: task.dataset.length });
    expect(readDatasetUri(datasetCardUri(task.card ?? card)).kind).to.equal("card");
    const evaluation = task.evaluation;
    if (evaluation === undefined) throw new Error("the generated task has an evaluation");
    expect([evaluation.metric, evaluation.split]).to.deep.equal([
      "mean squared error",
      `${GENERATED_HELD_OUT} held-out examples of the generator`,
    ]);
    const start = canonicalInit(1n, shape);
    const heldOut = syntheticTask(shape, {
      seed: 1,
      datasetSize: task.dataset.length,
      heldOut: GENERATED_HELD_OUT,
    }).heldOut;
    const { e } = forward(
      shape,
      task.w0,
      start.a,
      start.b,
      task.alpha,
      (heldOut ?? []).map((example) => example.x),
      (heldOut ?? []).map((example) => example.t),
    );
    const { numerator, denominator } = evaluation.measure(start);
    expect(Number(numerator) / Number(denominator)).to.equal(meanSquaredError(shape, e));
    expect(denominator).to.equal(BigInt(GENERATED_HELD_OUT * shape.dOut) << BigInt(6 * shape.F));
  });

  it("someone's own dataset file: no card and no evaluation (the generator says nothing about it)", function () {
    const directory = mkdtempSync(path.join(tmpdir(), "lora-story-"));
    const datasetFile = path.join(directory, "dataset.json");
    const example = {
      x: Array.from({ length: shape.dIn }, () => 0.25),
      t: Array.from({ length: shape.dOut }, () => 0.5),
    };
    writeFileSync(datasetFile, JSON.stringify([example, example]));
    const task = loadTask(shape, loadRunConfig({ LORA_DATASET_FILE: datasetFile }));
    expect(task.dataset).to.have.length(2);
    expect([task.card, task.evaluation]).to.deep.equal([undefined, undefined]);
  });

  it("digits task: accuracy as correct / 541 held-out images, and its card (CC-BY-4.0, 256 examples, the file's sha256)", function () {
    const digitsShape = checkpointShapeOf(getInstance(DIGITS_CHECKPOINT_INSTANCE));
    const task = loadTask(digitsShape, loadRunConfig({ LORA_TASK: "digits" }));
    const evaluation = task.evaluation;
    if (evaluation === undefined) throw new Error("the digits task has an evaluation");
    const start = canonicalInit(1n, digitsShape);
    const { numerator, denominator } = evaluation.measure(start);
    expect(denominator).to.equal(541n);
    const config = loadRunConfig({ LORA_TASK: "digits" });
    expect(Number(numerator) / 541).to.equal(
      digitsHeldOutAccuracy(digitsTask(digitsShape, { alpha: config.alpha, learningRate: config.learningRate }), start),
    );
    expect(evaluation.metric).to.equal("accuracy");
    expect(task.card).to.deep.include({
      license: "CC-BY-4.0",
      examples: 256,
      sha256: "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a",
    });
    // it fits on-chain as a card the explorer reads
    expect(readDatasetUri(datasetCardUri(task.card ?? card)).kind).to.equal("card");
  });

  it("formats an accuracy as a percentage, anything else to four significant digits", function () {
    expect(formatEvaluation("accuracy", 320 / 541)).to.equal("59.1%");
    expect(formatEvaluation("mean squared error", 0.144912)).to.equal("0.1449");
    expect(formatEvaluation("mean squared error", 0)).to.equal("0");
  });
});
