// The explorer's adapter files (explorer/src/adapterFile.ts) in the forms prove-and-submit leaves on disk:
// a run's adapter.json (fixed-point integers) and a checkpoint's proof file (the adapters among its
// public signals). Both must give the commitments the registry records.
import { expect } from "chai";
import { parseAdapterFile } from "../../explorer/src/adapterFile.js";
import { defaultInstance } from "../../src/node/index.js";
import {
  adapterCommitment,
  canonicalInit,
  checkpointPublicSignals,
  checkpointShapeOf,
  makeRunCheckpoint,
  setUpRun,
  syntheticTask,
  toHex32,
} from "../../src/protocol/index.js";

describe("explorer: the adapter files a run leaves", function () {
  const instance = defaultInstance("LoraCheckpoint");
  const shape = checkpointShapeOf(instance);
  const task = syntheticTask(shape, { seed: 4, datasetSize: 2 ** shape.depth });
  const run = setUpRun({ shape, w0: task.w0, dataset: task.dataset, alpha: task.alpha, lr: task.lr });
  const start = canonicalInit(7n, shape);
  const made = makeRunCheckpoint(run, { shape, adapter: start, firstStep: 0n, submitter: 1n });
  const after = made.witness.adapters.at(-1);
  if (after === undefined) throw new Error("a checkpoint has its adapter after");
  const instances = [{ ...instance, verificationKey: false }];

  it("a run's adapter.json (encoding fixed, decimal strings) gives the adapter's commitment", function () {
    const file = JSON.stringify({
      format: "lora-ledger adapter",
      instance: instance.name,
      encoding: "fixed",
      commitment: toHex32(made.statement.adapterAfter),
      adapter_a: after.a.map((row) => row.map(String)),
      adapter_b: after.b.map((row) => row.map(String)),
    });
    const parsed = parseAdapterFile(file, instances, instance.name, "real");
    expect(parsed.encodingSource).to.equal("file");
    expect(parsed.candidates.map((candidate) => candidate.commitment)).to.deep.equal([
      adapterCommitment(after.a, after.b, shape),
    ]);
    expect(parsed.candidates[0]?.commitment).to.equal(made.statement.adapterAfter);
  });

  it("a checkpoint's proof file gives the adapters after and before from its public signals", function () {
    const file = JSON.stringify({
      instance: instance.name,
      publicSignals: checkpointPublicSignals(made.statement).map(String),
      proof: {},
    });
    const parsed = parseAdapterFile(file, instances, instance.name, "real");
    expect(parsed.candidates.map((candidate) => [candidate.label, candidate.commitment])).to.deep.equal([
      ["Adapter after the checkpoint", made.statement.adapterAfter],
      ["Adapter before the checkpoint", made.statement.adapterBefore],
    ]);
  });

  it("a file with no adapter says which forms it reads", function () {
    expect(() => parseAdapterFile("{}", instances, instance.name, "real")).to.throw(
      /no adapter in the file: .*adapter\.json.*a proof file of a run \(publicSignals\)/,
    );
  });
});
