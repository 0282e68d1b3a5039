// The circuit interface is data (circuits/instances.json, `templates`): each template's parameter order and
// public inputs in order. Compile-free checks that the data, the circom sources, the built instances, the
// registry contract and the TypeScript copies all say the same.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  FULL_STEP_PARAM_ORDER,
  FULL_STEP_PUBLIC_INPUTS,
  INSTANCES,
  LORA_STEP_PARAM_ORDER,
  MERGE_PUBLIC_INPUTS,
  PUBLIC_SIGNAL_NAMES,
  STEP_PUBLIC_INPUTS,
  TEMPLATES,
  orderedPublicSignals,
  packStepSubmitter,
  parseInstancesFile,
  type TemplateName,
} from "../../src/protocol/index.js";
import { registryCheckpointInputs } from "../../src/chain/index.js";
import { INSTANCES_FILE, PROJECT_ROOT, instanceArtifacts } from "../../src/node/index.js";
import { loadSymbols, readR1csHeader } from "../helpers/circuit.js";

const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** The parameter list and the `signal input` declarations (name, is it an array) of `template` in `file`. */
function templateInterface(
  file: string,
  template: string,
): { params: string[]; inputs: { name: string; array: boolean }[] } {
  const source = readFileSync(path.join(PROJECT_ROOT, file), "utf8").replace(/\/\/[^\n]*/g, "");
  const header = new RegExp(`^template\\s+${template}\\s*\\(([^)]*)\\)\\s*\\{`, "m").exec(source);
  if (header === null) throw new Error(`${file} declares no template ${template}`);
  const params = (header[1] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  // The body: from the header to its matching closing brace.
  let depth = 0;
  let end = header.index + header[0].length - 1;
  for (; end < source.length; end++) {
    if (source[end] === "{") depth++;
    else if (source[end] === "}" && --depth === 0) break;
  }
  const body = source.slice(header.index, end);
  const inputs = [...body.matchAll(/^\s*signal\s+input\s+(\w+)\s*(\[)?/gm)].map((m) => ({
    name: m[1] ?? "",
    array: m[2] !== undefined,
  }));
  return { params, inputs };
}

describe("the circuit interface (circuits/instances.json templates)", function () {
  for (const name of TEMPLATE_NAMES) {
    const template = TEMPLATES[name];

    describe(`${name} (${template.file}, role ${template.role})`, function () {
      it("the circom template takes `params` in this order", function () {
        expect(existsSync(path.join(PROJECT_ROOT, template.file))).to.equal(true);
        expect(templateInterface(template.file, name).params).to.deep.equal([...template.params]);
      });

      it("`pubs` are the template's first signal inputs, scalars, in this order", function () {
        const { inputs } = templateInterface(template.file, name);
        const first = inputs.slice(0, template.pubs.length);
        expect(first.map((input) => input.name)).to.deep.equal([...template.pubs]);
        expect(
          first.every((input) => !input.array),
          "public inputs are scalars",
        ).to.equal(true);
        // Every other input is private: none of them is named like a public one.
        const rest = inputs.slice(template.pubs.length).map((input) => input.name);
        expect(rest.filter((input) => (template.pubs as readonly string[]).includes(input))).to.deep.equal([]);
      });
    });
  }

  for (const instance of INSTANCES.instances.filter((i) => existsSync(instanceArtifacts(i.name).r1cs))) {
    it(`the built ${instance.name} exposes its template's pubs as wires 1..${TEMPLATES[instance.template].pubs.length}, in order`, function () {
      const artifacts = instanceArtifacts(instance.name);
      const pubs = TEMPLATES[instance.template].pubs;
      // The generated main component declares them public in this order ...
      const main = readFileSync(artifacts.mainCircom, "utf8");
      expect(
        /\{public \[([^\]]*)\]\}/
          .exec(main)?.[1]
          ?.split(",")
          .map((s) => s.trim()),
      ).to.deep.equal([...pubs]);
      // ... and the compiled circuit has exactly these public inputs, no outputs, at wires 1..n.
      const header = readR1csHeader(artifacts.r1cs);
      expect(header.publicInputs).to.equal(pubs.length);
      expect(header.publicOutputs).to.equal(0);
      const symbols = loadSymbols(artifacts.sym);
      expect(pubs.map((pub) => symbols.get(`main.${pub}`))).to.deep.equal(pubs.map((_, i) => i + 1));
    });
  }

  it("the registry's checkpoint inputs (registryCheckpointInputs, as LoraLedgerRegistryV2 assembles them) follow LoraCheckpoint's pubs", function () {
    const submitter = "0x00000000000000000000000000000000000000aa";
    const assembled = registryCheckpointInputs({ runConfig: 11n, head: 22n, nextStep: 3n }, 44n, 55n, submitter);
    expect(assembled).to.deep.equal(
      orderedPublicSignals("LoraCheckpoint", {
        runConfig: 11n,
        adapterBefore: 22n,
        adapterAfter: 44n,
        stepSubmitter: packStepSubmitter(3n, BigInt(submitter)),
        loss: 55n,
      }),
    );
  });

  it("every TypeScript order is the data's", function () {
    const json = JSON.parse(readFileSync(INSTANCES_FILE, "utf8")) as {
      templates: Record<TemplateName, { params: string[]; pubs: string[] }>;
    };
    expect(LORA_STEP_PARAM_ORDER).to.deep.equal(json.templates.LoraStep.params);
    expect(TEMPLATES.LoraMerge.paramOrder).to.deep.equal(json.templates.LoraMerge.params);
    expect(FULL_STEP_PARAM_ORDER).to.deep.equal(json.templates.FullStep.params);
    expect(STEP_PUBLIC_INPUTS).to.deep.equal(json.templates.LoraStep.pubs);
    expect(PUBLIC_SIGNAL_NAMES).to.deep.equal(json.templates.LoraStep.pubs);
    expect(MERGE_PUBLIC_INPUTS).to.deep.equal(json.templates.LoraMerge.pubs);
    expect(TEMPLATES.LoraMergeFreivalds.publicInputs).to.deep.equal(json.templates.LoraMergeFreivalds.pubs);
    expect(FULL_STEP_PUBLIC_INPUTS).to.deep.equal(json.templates.FullStep.pubs);
  });

  it("every instance and comparison circuit takes its file from its template", function () {
    for (const circuit of [...INSTANCES.instances, ...INSTANCES.comparisons]) {
      expect(circuit.file, circuit.name).to.equal(TEMPLATES[circuit.template].file);
    }
    expect(INSTANCES.instances.every((instance) => TEMPLATES[instance.template].role === "instance")).to.equal(true);
  });

  describe("the schema rejects", function () {
    const json = (): { templates: Record<string, { params: string[]; pubs: string[] }> } & Record<string, unknown> =>
      JSON.parse(readFileSync(INSTANCES_FILE, "utf8")) as {
        templates: Record<string, { params: string[]; pubs: string[] }>;
      } & Record<string, unknown>;

    it("a public input a template does not have, or one named twice or left out", function () {
      for (const pubs of [
        ["baseRoot", "datasetRoot", "hparamsHash", "adapterBefore", "adapterAfter", "step", "sender"],
        ["baseRoot", "datasetRoot", "hparamsHash", "adapterBefore", "adapterAfter", "step", "step"],
        ["baseRoot", "datasetRoot", "hparamsHash", "adapterBefore", "adapterAfter", "step"],
      ]) {
        const data = json();
        (data.templates.LoraStep as { pubs: string[] }).pubs = pubs;
        expect(() => parseInstancesFile(data)).to.throw(/pubs/);
      }
    });

    it("a parameter list that is not a permutation of the template's shape", function () {
      const data = json();
      (data.templates.FullStep as { params: string[] }).params = [
        "dIn",
        "dOut",
        "batch",
        "depth",
        "F",
        "xBits",
        "rank",
      ];
      expect(() => parseInstancesFile(data)).to.throw(/params/);
    });

    it("an instance of a comparison template, and a comparison beside an undeclared circuit", function () {
      const data = json();
      (data.templates.LoraMerge as unknown as { role: string }).role = "comparison: nothing";
      expect(() => parseInstancesFile(data)).to.throw(/role/);
      const other = json();
      const comparisons = other.comparisons as { beside?: string }[];
      const firstBeside = comparisons.find((c) => c.beside !== undefined);
      if (firstBeside === undefined) throw new Error("no comparison with `beside`");
      firstBeside.beside = "lora_step_1x1_r1_b1_d1";
      expect(() => parseInstancesFile(other)).to.throw(/beside/);
    });
  });
});
