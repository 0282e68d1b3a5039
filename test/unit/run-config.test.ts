// prove-and-submit's options (src/training/config.ts): a mistake in a variable or the configuration file
// is a usage error (exit 12) that names the variable or key and what it takes, before any work starts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { toFailure } from "../../src/cli/index.js";
import { loadRunConfig, RUN_OPTIONS, renderRunOptionsTable, runConfigSchema } from "../../src/training/index.js";

function failureOf(environment: NodeJS.ProcessEnv): ReturnType<typeof toFailure> {
  try {
    loadRunConfig(environment);
  } catch (error) {
    return toFailure(error);
  }
  throw new Error("expected the configuration to be refused");
}

describe("run options (prove-and-submit)", function () {
  let folder: string;
  before(function () {
    folder = mkdtempSync(path.join(os.tmpdir(), "lora-ledger-config-"));
  });
  after(function () {
    rmSync(folder, { recursive: true, force: true });
  });

  it("defaults without variables; variables win over the configuration file", function () {
    expect(loadRunConfig({})).to.include({ steps: 8, seed: 1, newRun: false, merge: true, workDir: "runs" });
    const file = path.join(folder, "run.json");
    writeFileSync(file, JSON.stringify({ steps: 32, seed: 7 }));
    expect(loadRunConfig({ LORA_LEDGER_CONFIG: file, LORA_SEED: "9" })).to.include({ steps: 32, seed: 9 });
  });

  it("a malformed variable is exit 12 naming it and what it takes", function () {
    for (const [variable, value, message] of [
      ["LORA_STEPS", "many", /LORA_STEPS: expected an integer, got "many"/],
      ["LORA_NEW_RUN", "maybe", /LORA_NEW_RUN: expected true or false, got "maybe"/],
      ["LORA_STEPS", "0", /LORA_STEPS: .*>=1/],
    ] as const) {
      const failure = failureOf({ [variable]: value });
      expect(failure.exitCode, failure.message).to.equal(12);
      expect(failure.code).to.equal("usage");
      expect(failure.field).to.equal(variable === "LORA_STEPS" && value === "0" ? "steps" : variable);
      expect(failure.message).to.match(message);
    }
  });

  it("a configuration file that is not JSON, or has an unknown key, is exit 12 naming the file and key", function () {
    const broken = path.join(folder, "broken.json");
    writeFileSync(broken, "{ steps: 3");
    const notJson = failureOf({ LORA_LEDGER_CONFIG: broken });
    expect([notJson.exitCode, notJson.field]).to.deep.equal([12, "LORA_LEDGER_CONFIG"]);
    const unknown = path.join(folder, "unknown.json");
    writeFileSync(unknown, JSON.stringify({ stepz: 3 }));
    const failure = failureOf({ LORA_LEDGER_CONFIG: unknown });
    expect(failure.exitCode).to.equal(12);
    expect(failure.message).to.match(new RegExp(`unknown\\.json.*stepz`));
  });

  it("every option of the schema has a variable and a meaning in docs/RUNNING.md's table", function () {
    const keys = Object.keys(runConfigSchema.shape).sort();
    expect(RUN_OPTIONS.map((option) => option.key).sort()).to.deep.equal(keys);
    const table = renderRunOptionsTable();
    for (const option of RUN_OPTIONS) expect(table).to.include(`| \`${option.variable}\` | \`${option.key}\` |`);
  });
});
