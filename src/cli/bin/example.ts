/**
 * tsx src/cli/bin/example.ts [--instance NAME] [--step N] [--seed S] [--encoding real|fixed]
 *                        [--submitter 0x...] [--dataset-size N] [--batch] [--merge]
 *                        [--kind checkpoint|start|projection|merge-block] [--block B]
 * Writes a valid `prove` input for a synthetic task on stdout: a step, or with --merge (or a LoraMerge
 * --instance) the merge of that step's adapter_after; with --kind (or a version-2 --instance) one of
 * protocol version 2's statements. See docs/COMMANDS.md.
 */
import { EXIT_CODES } from "../exitCodes.js";
import { exampleDocument, exampleMergeDocument } from "../commands/example.js";
import {
  exampleRunDocument,
  runExampleKindOf,
  RUN_EXAMPLE_KINDS,
  type RunExampleKind,
} from "../commands/exampleRun.js";
import { getInstance } from "../../node/index.js";
import { fail } from "../commands/json.js";
import { runCommand } from "../commands/run.js";
import { parseCliArgs } from "../args.js";

/** An integer option; its range is the command's to check (exit 5: `--step -1 is outside [0, 2^32)`). */
function integerOption(name: string, text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(text)) fail("missing_field", `--${name}`, `--${name} must be an integer, got "${text}"`);
  return BigInt(text);
}

function kindOption(text: string | undefined): RunExampleKind | undefined {
  if (text === undefined) return undefined;
  const kinds = Object.keys(RUN_EXAMPLE_KINDS);
  if (!kinds.includes(text))
    fail("missing_field", "--kind", `--kind must be one of ${kinds.join(", ")}, got "${text}"`);
  return text as RunExampleKind;
}

function seedOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) fail("missing_field", "--seed", `--seed must be a non-negative integer, got "${text}"`);
  return Number(text);
}

await runCommand({
  command: "example",
  errorAnswer: (error) => ({ success: false, error }),
  body: () => {
    const { values } = parseCliArgs("example", {
      instance: { type: "string" },
      step: { type: "string" },
      seed: { type: "string" },
      encoding: { type: "string" },
      submitter: { type: "string" },
      "dataset-size": { type: "string" },
      batch: { type: "boolean" },
      merge: { type: "boolean" },
      kind: { type: "string" },
      block: { type: "string" },
    });
    const encoding = values.encoding ?? "real";
    if (encoding !== "real" && encoding !== "fixed") {
      fail("missing_field", "--encoding", `--encoding must be "real" or "fixed", got "${encoding}"`);
    }
    const seed = seedOption(values.seed);
    const datasetSize = integerOption("dataset-size", values["dataset-size"]);
    const kind = kindOption(values.kind);
    const template = values.instance === undefined ? undefined : getInstance(values.instance).template;
    if (kind !== undefined || (template !== undefined && runExampleKindOf(template) !== undefined)) {
      if (values.merge === true)
        fail("missing_field", "--merge", "--merge does not apply to a version-2 example (--kind merge-block)");
      const answer = exampleRunDocument({
        encoding,
        ...(kind === undefined ? {} : { kind }),
        ...(values.instance === undefined ? {} : { instance: values.instance }),
        ...(values.step === undefined ? {} : { step: integerOption("step", values.step) ?? 0n }),
        ...(seed === undefined ? {} : { seed }),
        ...(values.submitter === undefined ? {} : { submitter: values.submitter }),
        ...(datasetSize === undefined ? {} : { datasetSize: Number(datasetSize) }),
        ...(values.batch === true ? { batchOnly: true } : {}),
        ...(values.block === undefined ? {} : { block: integerOption("block", values.block) ?? 0n }),
      });
      return { answer, exitCode: EXIT_CODES.ok };
    }
    if (values.block !== undefined)
      fail("missing_field", "--block", "--block applies only to --kind projection and merge-block");
    const merge = values.merge === true || template === "LoraMerge";
    if (merge) {
      for (const option of ["submitter", "batch"] as const) {
        if (values[option] !== undefined)
          fail("missing_field", `--${option}`, `--${option} does not apply to a merge example`);
      }
      const answer = exampleMergeDocument({
        encoding,
        ...(values.instance === undefined ? {} : { instance: values.instance }),
        ...(values.step === undefined ? {} : { step: integerOption("step", values.step) ?? 0n }),
        ...(seed === undefined ? {} : { seed }),
        ...(datasetSize === undefined ? {} : { datasetSize: Number(datasetSize) }),
      });
      return { answer, exitCode: EXIT_CODES.ok };
    }
    const answer = exampleDocument({
      encoding,
      ...(values.instance === undefined ? {} : { instance: values.instance }),
      ...(values.step === undefined ? {} : { step: integerOption("step", values.step) ?? 0n }),
      ...(seed === undefined ? {} : { seed }),
      ...(values.submitter === undefined ? {} : { submitter: values.submitter }),
      ...(datasetSize === undefined ? {} : { datasetSize: Number(datasetSize) }),
      ...(values.batch === true ? { batchOnly: true } : {}),
    });
    return { answer, exitCode: EXIT_CODES.ok };
  },
});
