// The explorer's reading of a dropped PEFT pair (explorer/src/adapterFile.ts parsePeftFiles), the code
// the page runs, here in Node: the commitment of the exported adapter, the instance taken from the
// config, the metadata or the page, and each refusal naming the file or the entry.
import { expect } from "chai";
import {
  adapterCommitment,
  adapterToSafetensors,
  canonicalInit,
  checkpointShapeOf,
  encodeSafetensors,
  peftAdapterConfig,
  type Matrix,
} from "../../src/protocol/index.js";
import { getInstance, loadInstances } from "../../src/node/index.js";
import { parsePeftFiles, isPeftDrop, type DroppedFile } from "../../explorer/src/adapterFile.js";
import { AdapterFileError } from "../../explorer/src/commitment.js";
import type { InstanceInfo } from "../../explorer/src/ledgerData.js";

const INSTANCE = "lora_checkpoint_8x8_r2_b2_d4_k2";
const shape = checkpointShapeOf(getInstance(INSTANCE));
const instances: InstanceInfo[] = loadInstances().instances.map((instance) => ({
  name: instance.name,
  purpose: instance.purpose,
  template: instance.template,
  params: instance.params,
  verificationKey: false,
}));

/** A trained-looking adapter: the canonical A and a B with non-zero entries of both signs. */
const adapter: { a: Matrix; b: Matrix } = {
  a: canonicalInit(3n, shape).a,
  b: Array.from({ length: shape.dOut }, (_, i) =>
    Array.from({ length: shape.rank }, (_, k) => BigInt((i - 3) * 17 + k)),
  ),
};
const commitment = adapterCommitment(adapter.a, adapter.b, shape);
const provenance = { instance: INSTANCE, commitment: `0x${commitment.toString(16)}` };

function pair(options: { metadataInstance?: boolean } = {}): { tensors: DroppedFile; config: DroppedFile } {
  const file = adapterToSafetensors(shape, adapter, provenance);
  const metadata = Object.fromEntries(
    Object.entries(file.metadata).filter(
      ([key]) => options.metadataInstance !== false || key !== "lora_ledger_instance",
    ),
  );
  return {
    tensors: { name: "adapter_model.safetensors", bytes: encodeSafetensors({ ...file, metadata }) },
    config: {
      name: "adapter_config.json",
      bytes: new TextEncoder().encode(JSON.stringify(peftAdapterConfig(shape, 256n, provenance))),
    },
  };
}

describe("explorer: a dropped PEFT pair", function () {
  it("gives the exported adapter's commitment, with or without its config, the instance from the files", function () {
    const { tensors, config } = pair();
    for (const files of [[tensors, config], [config, tensors], [tensors]]) {
      expect(isPeftDrop(files)).to.equal(true);
      const parsed = parsePeftFiles(files, instances, "lora_step_8x8_r2_b2_d4");
      expect(parsed.format).to.equal("peft");
      expect([parsed.instance, parsed.instanceSource]).to.deep.equal([INSTANCE, "file"]);
      expect(parsed.candidates.map((candidate) => candidate.commitment)).to.deep.equal([commitment]);
    }
    expect(isPeftDrop([config])).to.equal(false);
  });

  it("without an instance in the files it reads with the page's, and a wrong one's shape is refused", function () {
    const { tensors } = pair({ metadataInstance: false });
    const parsed = parsePeftFiles([tensors], instances, INSTANCE);
    expect([parsed.instance, parsed.instanceSource]).to.deep.equal([INSTANCE, "page"]);
    expect(parsed.candidates[0]?.commitment).to.equal(commitment);
    expect(() => parsePeftFiles([tensors], instances, "lora_checkpoint_64x64_r4_b4_d8_k1")).to.throw(
      AdapterFileError,
      /lora_A.*has shape \[2, 8\], expected \[4, 64\]/,
    );
  });

  it("refuses a value that is not k / 2^F, naming the entry, and drops that are not one pair", function () {
    const file = adapterToSafetensors(shape, adapter, provenance);
    const name = "base_model.model.classifier.lora_A.weight";
    const a = file.tensors[name];
    if (a === undefined) throw new Error("no lora_A");
    // A quarter of the fixed point's step off: a float no integer at scale 2^F gives.
    const values = a.values.map((value, index) => (index === 3 ? value + 2 ** -(shape.F + 2) : value));
    const tampered = { ...file, tensors: { ...file.tensors, [name]: { ...a, values } } };
    const bad = { name: "adapter_model.safetensors", bytes: encodeSafetensors(tampered) };
    expect(() => parsePeftFiles([bad], instances, INSTANCE)).to.throw(
      AdapterFileError,
      /lora_A\.weight\[0\]\[3\] = .* is not a multiple of 2\^-8/,
    );
    const { tensors, config } = pair();
    expect(() => parsePeftFiles([tensors, tensors], instances, INSTANCE)).to.throw(AdapterFileError, /drop one/);
    expect(() =>
      parsePeftFiles([tensors, config, { name: "notes.txt", bytes: new Uint8Array() }], instances, INSTANCE),
    ).to.throw(AdapterFileError, /notes\.txt/);
    expect(() =>
      parsePeftFiles([{ name: "adapter_model.safetensors", bytes: new Uint8Array([1, 2, 3]) }], instances, INSTANCE),
    ).to.throw(AdapterFileError);
  });
});
