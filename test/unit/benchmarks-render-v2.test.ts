// BENCHMARKS.md's version 2 sections (bench/render/v2.ts): absent from the committed record, which has no
// version 2 data, and rendered from a synthetic record that has it.
import { expect } from "chai";

import { readResults } from "../../bench/render/document.js";
import { renderMarkdown } from "../../bench/render/index.js";
import { loraCheckpointBreakdown, baseProjectionBreakdown } from "../../bench/lib/constraints.js";
import type { BenchResults, CircuitRecord } from "../../bench/lib/results.js";
import type { PeakMemory } from "../../bench/lib/phases.js";
import { v2Roles } from "../../bench/lib/v2.js";
import type { CheckpointShape, StepShape } from "../../src/protocol/index.js";

const layer = (d: number, rank: number, batch: number, depth: number): StepShape => ({
  dIn: d,
  dOut: d,
  rank,
  batch,
  depth,
  F: 8,
  FW: 10,
  xBits: 16,
  aBits: 16,
  wBits: 8,
});

const peak: PeakMemory = {
  treeMaxRssKiB: 512 * 1024,
  selfMaxRssKiB: 256 * 1024,
  peakProcess: "phase node process",
  peakKiB: 512 * 1024,
  wallSeconds: 4,
  loadAverage: { start: 1, end: 1 },
};

/** A record of `name` whose compiled count is the formula's (residual 0), proven in `provingSeconds` unless compile-only. */
function record(
  name: string,
  template: "LoraCheckpoint" | "BaseProjectionBlock",
  params: CheckpointShape | StepShape,
  provingSeconds: number | null,
): CircuitRecord {
  const breakdown =
    template === "LoraCheckpoint"
      ? loraCheckpointBreakdown(params as CheckpointShape)
      : baseProjectionBreakdown(params);
  const constraints = breakdown.total;
  const run = { medianSeconds: provingSeconds ?? 0, runs: [provingSeconds ?? 0] };
  return {
    instance: name,
    purpose: "synthetic",
    template,
    origin: "comparison",
    mode: provingSeconds === null ? "compile-only" : "prove",
    note: provingSeconds === null ? "compile-only" : null,
    params: { ...params },
    circuit: {
      constraints,
      wires: constraints,
      publicInputs: 5,
      privateInputs: 100,
      outputs: 0,
      power: Math.max(8, Math.ceil(Math.log2(constraints + 6))),
      ptau: null,
    },
    build: { mode: "fresh", note: "synthetic", matchesSharedBuild: null },
    compile: { seconds: 3, source: "measured", peakMemory: peak },
    setup: provingSeconds === null ? null : { seconds: 30, source: "measured", peakMemory: peak },
    files: {},
    prove:
      provingSeconds === null
        ? null
        : {
            reference: "synthetic",
            referenceSeconds: 0.1,
            loss: null,
            witness: { medianSeconds: 0.5, runs: [0.5] },
            proving: { ...run, peakMemory: peak },
            verification: { medianSeconds: 0.02, runs: [0.02], valid: true, method: "synthetic" },
            proofSize: { calldataBytes: 256, compressedBytes: 128, publicInputs: 5, publicInputsCalldataBytes: 160 },
          },
    constraintBreakdown: {
      rows: breakdown.rows,
      byFamily: breakdown.byFamily,
      formulaTotal: constraints,
      compiled: constraints,
      residual: 0,
    },
    parameterRatio: null,
  };
}

function withV2(results: BenchResults): BenchResults {
  const roles = v2Roles();
  const checkpoint = (d: number, rank: number, batch: number, depth: number, steps: number): CheckpointShape => ({
    ...layer(d, rank, batch, depth),
    steps,
  });
  const records: CircuitRecord[] = [
    record(roles.reference, "LoraCheckpoint", checkpoint(64, 4, 4, 8, 1), 4.2),
    record(roles.widest, "LoraCheckpoint", checkpoint(128, 4, 2, 8, 1), null),
    ...[64, 128, 256, 768].map((d) =>
      record(`lora_checkpoint_${d}x${d}_r8_b4_d8_k1`, "LoraCheckpoint", checkpoint(d, 8, 4, 8, 1), null),
    ),
    ...[1, 2, 4].map((k) =>
      record(`lora_checkpoint_8x8_r2_b2_d4_k${k}`, "LoraCheckpoint", checkpoint(8, 2, 2, 4, k), 0.6 * k),
    ),
    record("base_projection_64x64_r4_b4_d8", "BaseProjectionBlock", layer(64, 4, 4, 8), 2.4),
    record("base_projection_8x8_r2_b2_d4", "BaseProjectionBlock", layer(8, 2, 2, 4), 0.3),
  ];
  return {
    ...results,
    circuits: [...results.circuits, ...records],
    v2: {
      ...roles,
      run: {
        generatedAt: "2026-01-01T00:00:00.000Z",
        command: "npm run bench -- --only v2",
        durationSeconds: 900,
        maxLoad1min: 1.5,
      },
    },
  };
}

describe("BENCHMARKS.md, version 2", function () {
  it("renders version 2's sections exactly when the record has version 2 data", function () {
    const results = readResults();
    expect(renderMarkdown(results).includes("Version 2 at a glance")).to.equal(results.v2 !== undefined);
    expect(renderMarkdown({ ...results, v2: undefined })).not.to.include("Version 2");
  });

  it("renders the version 2 summary and sections from a record with version 2 data", function () {
    const results = withV2(readResults());
    const rendered = renderMarkdown(results);
    const roles = v2Roles();
    for (const text of [
      "## Version 2 at a glance",
      "## Version 2: checkpoints and the base projection",
      "### The reference checkpoint beside version 1's step of the same shape",
      "### Checkpoint sweep over square layers (compile-only)",
      "### The widest square checkpoint within 2^17",
      "### Steps per proof on the test shape",
      "### Base projection: proving time per multiply-accumulate of W0",
      "### Where the constraints of a version 2 step go",
      "`npm run bench -- --only v2`",
    ])
      expect(rendered, text).to.include(text);
    // The targets: 84,921 <= 90,000 constraints and 4.2 s <= 5 s; 130,671 within 2^17, margin 401.
    expect(rendered).to.match(/at most 90,000 constraints \| 84,921 \| \*\*yes\*\*/);
    expect(rendered).to.match(/at most 5 s proving \(median\) \| 4\.20 s \| \*\*yes\*\*/);
    expect(rendered).to.include("130,671 (margin 401)");
    // Seconds per 10^6 MACs of the full 4,096-weight block: 2.4 × 10^6 / 4096 = 586.
    expect(rendered).to.match(/\| 4,096 \| [\d,]+ \| 30\.0 s \| 2\.40 s \| 586 \|/);
    expect(rendered).to.include(`\`${roles.reference}\` (LoraCheckpoint, 84,921 constraints)`);
    // Sections come in document order: the summary right after the header, the details after the merge section.
    expect(rendered.indexOf("## Version 2 at a glance")).to.be.below(rendered.indexOf("## Declared instances"));
    expect(rendered.indexOf("## Version 2: checkpoints")).to.be.above(rendered.indexOf("## Merge:"));
  });

  it("the version 1 instance table stays version 1's", function () {
    const results = withV2(readResults());
    const rendered = renderMarkdown(results);
    const instances = rendered.slice(rendered.indexOf("## Declared instances"), rendered.indexOf("## Gas"));
    expect(instances).not.to.include("lora_checkpoint");
  });
});
