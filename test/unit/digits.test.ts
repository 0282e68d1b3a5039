// The digits task (data/digits.csv.gz, src/protocol/digits.ts, src/training/digits.ts) and the PEFT
// adapter files (src/protocol/peft.ts, src/training/peft.ts), without proofs: the loader against the
// file's known counts, the base classifier's accuracy, the shifted domain and a real fine-tune in the
// protocol's exact steps, and the exported files read back by an independent reader (python3's struct
// and json) and by the import.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  adapterCommitment,
  batchPositions,
  canonicalInit,
  checkpointShapeOf,
  classifierAccuracy,
  encodeSafetensors,
  LoraLedgerError,
  loraStep,
  mergedWeights,
  PEFT_LORA_A,
  PEFT_LORA_B,
  signedBounds,
  toHex32,
  type Matrix,
} from "../../src/protocol/index.js";
import { getInstance } from "../../src/node/index.js";
import {
  DIGITS_CHECKPOINT_INSTANCE,
  DIGITS_FILE,
  digitsHeldOutAccuracy,
  digitsTask,
  exportPeft,
  importPeft,
  loadAdapterFile,
  loadDigits,
  loadRunConfig,
  loadTask,
} from "../../src/training/index.js";

/** Reads a safetensors file with python3's standard library only: header, names, shapes, values. */
const PYTHON_READER = `
import json, struct, sys
data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n])
out = {"metadata": header.pop("__metadata__", {}), "tensors": {}}
for name, info in header.items():
    begin, end = info["data_offsets"]
    code = {"F32": "f", "F64": "d"}[info["dtype"]]
    count = (end - begin) // struct.calcsize(code)
    values = struct.unpack("<%d%s" % (count, code), data[8 + n + begin:8 + n + end])
    out["tensors"][name] = {"dtype": info["dtype"], "shape": info["shape"], "values": [v.hex() for v in values]}
print(json.dumps(out))
`;

interface PythonView {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: string[] }>;
}

function readWithPython(file: string): PythonView {
  return JSON.parse(execFileSync("python3", ["-c", PYTHON_READER, file], { encoding: "utf8" })) as PythonView;
}

/** A float as Python's float.hex() prints it, for an exact comparison without decimal rounding. */
function pythonHex(value: number): string {
  return execFileSync("python3", ["-c", `print(float.fromhex(${JSON.stringify(value.toString(16))}).hex())`], {
    encoding: "utf8",
  }).trim();
}

const shape = checkpointShapeOf(getInstance(DIGITS_CHECKPOINT_INSTANCE));
const hyper = { alpha: 1, learningRate: 1.5 };

/** The run's exact steps (PROTOCOL §3) from the canonical start, as the session would take them. */
function fineTune(steps: number): { a: Matrix; b: Matrix } {
  const task = digitsTask(shape, hyper);
  let adapter = canonicalInit(1n, shape);
  const size = BigInt(task.dataset.length);
  for (let step = 0; step < steps; step++) {
    const batch = batchPositions(BigInt(step), shape, size).map((position) => task.dataset[position]);
    const next = loraStep({
      shape,
      w0: task.w0,
      ...adapter,
      alpha: task.alpha,
      lr: task.lr,
      xs: batch.map((example) => example?.x ?? []),
      ts: batch.map((example) => example?.t ?? []),
    });
    adapter = { a: next.aNext, b: next.bNext };
  }
  return adapter;
}

describe("digits task: the UCI handwritten digits shipped in data/", function () {
  this.timeout(120_000);

  it("loads 1,797 images of 64 pixels 0..16 and a label 0..9 from the gzip CSV (65 columns), checksum known", function () {
    const sha256 = createHash("sha256").update(readFileSync(DIGITS_FILE)).digest("hex");
    expect(sha256).to.equal("46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a");
    const images = loadDigits();
    expect(images).to.have.length(1797);
    for (const image of images) {
      expect(image.pixels).to.have.length(64);
      expect(image.pixels.every((pixel) => Number.isInteger(pixel) && pixel >= 0 && pixel <= 16)).to.equal(true);
    }
    const perClass = Array.from({ length: 10 }, (_, label) => images.filter((image) => image.label === label).length);
    expect(perClass).to.deep.equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(images.reduce((sum, image) => sum + image.pixels.reduce((s, p) => s + p, 0), 0)).to.equal(561718);
    expect(images[0]?.label).to.equal(0);
  });

  it("the base classifier fits the fixed point, classifies centred held-out images well and shifted ones badly", function () {
    const task = digitsTask(shape, hyper);
    const { min, max } = signedBounds(shape.wBits);
    expect(task.w0.flat().every((w) => w >= min && w <= max)).to.equal(true);
    const start = canonicalInit(1n, shape);
    const centred = loadDigits().slice(1256);
    expect(classifierAccuracy(shape, task.w0, start, task.alpha, centred)).to.be.greaterThan(0.85);
    expect(digitsHeldOutAccuracy(task, start)).to.be.lessThan(0.45);
    // every example is within the instance's input range (pixels / 16 and one-hot targets at 2^F)
    const xRange = signedBounds(shape.xBits);
    expect(task.dataset).to.have.length(256);
    expect(task.dataset.flatMap((e) => [...e.x, ...e.t]).every((v) => v >= xRange.min && v <= xRange.max)).to.equal(
      true,
    );
  });

  it("64 exact steps (lr 1.5, alpha 1) on shifted images raise the held-out accuracy on them", function () {
    const task = digitsTask(shape, hyper);
    const before = digitsHeldOutAccuracy(task, canonicalInit(1n, shape));
    const after = digitsHeldOutAccuracy(task, fineTune(64));
    expect(after).to.be.greaterThan(before + 0.15);
  });

  it("LORA_TASK=digits selects the digits instance and task, and refuses a model file beside it", function () {
    const config = loadRunConfig({ LORA_TASK: "digits", LORA_LEARNING_RATE: "1.5" });
    expect(config.task).to.equal("digits");
    expect(loadTask(shape, config).dataset).to.have.length(256);
    expect(() => loadTask(shape, { ...config, modelFile: "model.json" })).to.throw(LoraLedgerError, /modelFile/);
    expect(() => loadRunConfig({ LORA_TASK: "mnist" })).to.throw(LoraLedgerError, /LORA_TASK/);
  });
});

describe("PEFT adapter files: adapter_config.json and adapter_model.safetensors", function () {
  this.timeout(120_000);
  const directory = mkdtempSync(path.join(tmpdir(), "lora-ledger-peft-"));
  const task = digitsTask(shape, hyper);
  const adapter = fineTune(8);
  const commitment = adapterCommitment(adapter.a, adapter.b, shape);
  const merged = mergedWeights(shape, task.w0, adapter.a, adapter.b, task.alpha);
  // A run folder as prove-and-submit leaves it (src/training/takeHome.ts), the fields the export reads.
  const runFolder = path.join(directory, "run-1");
  const exported = path.join(directory, "peft");
  before(function () {
    execFileSync("mkdir", ["-p", runFolder]);
    const decimals = (m: Matrix): string[][] => m.map((row) => row.map((v) => v.toString()));
    writeFileSync(
      path.join(runFolder, "adapter.json"),
      JSON.stringify({
        instance: DIGITS_CHECKPOINT_INSTANCE,
        encoding: "fixed",
        scale_bits: shape.F,
        run_id: "1",
        steps: "8",
        adapter_a: decimals(adapter.a),
        adapter_b: decimals(adapter.b),
      }),
    );
    writeFileSync(
      path.join(runFolder, "manifest.json"),
      JSON.stringify({
        chain_id: "31337",
        registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        base_root: toHex32(1n),
        dataset_root: toHex32(2n),
        alpha: { fixed: task.alpha.toString(), real: 1 },
      }),
    );
    writeFileSync(
      path.join(runFolder, "merged.json"),
      JSON.stringify({ scale_bits: 3 * shape.F, weights: decimals(merged) }),
    );
    exportPeft(path.join(runFolder, "adapter.json"), exported);
  });

  it("python3's struct and json read the names, shapes and exact values (entry / 2^F as float32)", function () {
    const view = readWithPython(path.join(exported, "adapter_model.safetensors"));
    expect(Object.keys(view.tensors).sort()).to.deep.equal([PEFT_LORA_A, PEFT_LORA_B].sort());
    expect(view.tensors[PEFT_LORA_A]?.shape).to.deep.equal([4, 64]);
    expect(view.tensors[PEFT_LORA_B]?.shape).to.deep.equal([10, 4]);
    expect(view.tensors[PEFT_LORA_A]?.dtype).to.equal("F32");
    // Python's float.hex of each value, against entry / 2^8 computed here: equal bit for bit.
    const expectedA = adapter.a.flat().map((entry) => Number(entry) / 2 ** shape.F);
    const readA = view.tensors[PEFT_LORA_A]?.values ?? [];
    const fromHex = (hex: string): number => Number.parseFloat(pythonHexToDecimal(hex));
    expect(readA.map(fromHex)).to.deep.equal(expectedA);
    const readB = (view.tensors[PEFT_LORA_B]?.values ?? []).map(fromHex);
    expect(readB).to.deep.equal(adapter.b.flat().map((entry) => Number(entry) / 2 ** shape.F));
    expect(pythonHex(expectedA[0] ?? 0)).to.equal(readA[0]);
    expect(view.metadata.lora_ledger_commitment).to.equal(toHex32(commitment));
    expect(view.metadata.lora_ledger_instance).to.equal(DIGITS_CHECKPOINT_INSTANCE);

    const config = JSON.parse(readFileSync(path.join(exported, "adapter_config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(config.r).to.equal(4);
    expect(config.lora_alpha).to.equal(4); // lora_alpha / r = alpha = 1
    expect(config.target_modules).to.deep.equal(["classifier"]);
    expect(config.peft_type).to.equal("LORA");

    const mergedView = readWithPython(path.join(exported, "merged_model.safetensors"));
    expect(mergedView.tensors["classifier.weight"]?.shape).to.deep.equal([10, 64]);
    expect((mergedView.tensors["classifier.weight"]?.values ?? []).map(fromHex)).to.deep.equal(
      merged.flat().map((entry) => Number(entry) / 2 ** (3 * shape.F)),
    );
  });

  it("the import gives back the same integers and commitment, from the directory or the file", function () {
    const imported = importPeft(exported, shape);
    expect(imported.a).to.deep.equal(adapter.a);
    expect(imported.b).to.deep.equal(adapter.b);
    expect(imported.commitment).to.equal(commitment);
    const viaQueryPath = loadAdapterFile(path.join(exported, "adapter_model.safetensors"), shape);
    expect(adapterCommitment(viaQueryPath.a, viaQueryPath.b, shape)).to.equal(commitment);
  });

  it("the import refuses a value that is not k / 2^F, or out of range, naming the tensor and the index", function () {
    const tensors = (aValue: number) => ({
      tensors: {
        [PEFT_LORA_A]: {
          dtype: "F32" as const,
          shape: [4, 64],
          values: adapter.a.flat().map((entry, index) => (index === 3 ? aValue : Number(entry) / 2 ** shape.F)),
        },
        [PEFT_LORA_B]: {
          dtype: "F32" as const,
          shape: [10, 4],
          values: adapter.b.flat().map((e) => Number(e) / 2 ** shape.F),
        },
      },
      metadata: {},
    });
    const file = path.join(directory, "bad.safetensors");
    writeFileSync(file, encodeSafetensors(tensors(0.1)));
    expect(() => importPeft(file, shape)).to.throw(
      LoraLedgerError,
      /base_model\.model\.classifier\.lora_A\.weight\[0\]\[3\] = 0\.1.* not a multiple of 2\^-8/,
    );
    writeFileSync(file, encodeSafetensors(tensors(200)));
    expect(() => importPeft(file, shape)).to.throw(
      LoraLedgerError,
      /lora_A\.weight\[0\]\[3\] = 200 is outside \[-128, 127\.99609375\]/,
    );
  });
});

/** Python's float.hex ("0x1.8p-2") as a decimal string JavaScript parses exactly (a dyadic rational). */
function pythonHexToDecimal(hex: string): string {
  const match = /^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/.exec(hex);
  if (match === null) return hex === "0x0.0p+0" || hex === "-0x0.0p+0" ? "0" : String(Number.NaN);
  const [, sign, lead, fraction, exponent] = match;
  const mantissa = Number.parseInt(`${lead}${fraction ?? ""}`, 16) / 16 ** (fraction ?? "").length;
  return `${sign}${mantissa * 2 ** Number(exponent)}`;
}
