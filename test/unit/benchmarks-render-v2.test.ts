// BENCHMARKS.md's version 2 sections (bench/render/v2.ts), rendered from a synthetic record that has every
// role's circuits; and its gas section (bench/render/gas.ts): version 2's table, version 1's retired figures.
import { expect } from "chai";

import { readResults, upgradeResults } from "../../bench/render/document.js";
import { renderMarkdown } from "../../bench/render/index.js";
import { loraCheckpointBreakdown, baseProjectionBreakdown } from "../../bench/lib/constraints.js";
import type { BenchResults, CircuitRecord, V1GasResult, V2GasRecord } from "../../bench/lib/results.js";
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

/**
 * A version 2 gas record with round figures: k = 2, 4 checkpoints for 1,000,000 gas (125,000 per step), 8 for
 * 1,920,000 (120,000); a lone k = 4 checkpoint for 310,000 (77,500 per step); one new storage slot per checkpoint.
 */
function v2Gas(): V2GasRecord {
  const batch = (checkpoints: number, total: number, k = 2) => ({
    checkpoints,
    total,
    perCheckpoint: total / checkpoints,
    perStep: total / checkpoints / k,
    newStorageSlots: checkpoints,
  });
  return {
    measuredAt: "2026-02-03T04:05:06.000Z",
    command: "npm run bench -- --only gas",
    network: "synthetic network",
    solidity: "solc 0.8.28, optimizer 200 runs",
    instances: {
      checkpoint: "lora_checkpoint_8x8_r2_b2_d4_k2",
      start: "lora_run_start_8x8_r2_b2_d4",
      projection: "base_projection_8x8_r2_b2_d4",
      merge: "lora_merge_block_8x8_r2_b2_d4",
    },
    stepsPerCheckpoint: 2,
    checkpointPublicInputs: 5,
    bareCheckpointVerifier: 240_000,
    bareProjectionVerifier: 250_000,
    bareStartVerifier: 270_000,
    bareMergeVerifier: 255_000,
    projectionBlocks: [300_000, 310_000],
    startRun: 600_000,
    submitCheckpoint: batch(1, 300_000),
    submitCheckpoints2: batch(2, 540_000),
    submitCheckpoints4: batch(4, 1_000_000),
    submitCheckpoints8: batch(8, 1_920_000),
    otherStepCounts: [
      {
        instance: "lora_checkpoint_8x8_r2_b2_d4_k4",
        stepsPerCheckpoint: 4,
        bareCheckpointVerifier: 240_000,
        submitCheckpoint: batch(1, 310_000, 4),
      },
    ],
    mergeBlocks: [400_000],
    proofs: { count: 19, provingSeconds: 30 },
    seconds: 40,
  };
}

/** Version 1's gas as records written before its registry was retired hold it, under `gas`. */
function legacyV1Gas(): V1GasResult {
  const steps = (count: number, perStep: number) => ({ total: perStep * count, perStep, steps: count });
  return {
    network: "synthetic network",
    solidity: "solc 0.8.28, optimizer 200 runs",
    registryHasRecordMerge: true,
    pairs: [
      {
        step: "lora_step_8x8_r2_b2_d4",
        merge: "lora_merge_8x8_r2_b2_d4",
        verifierDeployment: "ignition",
        mergeVerifierDeployment: "ignition",
        bareStepVerifier: 260_000,
        submitStep: 330_000,
        submitStepLater: 330_000,
        submitSteps2: steps(2, 306_000),
        submitSteps4: steps(4, 250_000),
        recordMerge: 321_000,
        bareMergeVerifier: 240_000,
        mergeNote: null,
        proofs: { steps: 8, merges: 1, provingSeconds: 9 },
      },
    ],
    errors: [],
    seconds: 80,
  };
}

function gasSectionOf(rendered: string): string {
  const start = rendered.indexOf("## Gas per verified step");
  return rendered.slice(start, rendered.indexOf("\n## ", start + 1));
}

describe("BENCHMARKS.md, gas per verified step", function () {
  /** The committed record without any gas record, as if written by `npm run bench` on 2026-01-10. */
  const legacy = (): BenchResults => ({
    ...readResults(),
    generatedAt: "2026-01-10T00:00:00.000Z",
    command: "npm run bench",
    v1Gas: undefined,
    v2Gas: undefined,
  });

  it("the committed record has a version 2 measurement and version 1's retired figures, both rendered", function () {
    const results = readResults();
    expect(results.v2Gas, "bench/results.json has no version 2 gas: npm run bench -- --only gas").to.have.property(
      "submitCheckpoints4",
    );
    expect(results.v2Gas, "bench/results.json's version 2 gas has no batch of 8").to.have.property(
      "submitCheckpoints8",
    );
    const measured = results.v2Gas as V2GasRecord;
    expect(measured.otherStepCounts.map((other) => other.stepsPerCheckpoint)).to.include(4);
    const section = gasSectionOf(renderMarkdown(results));
    expect(section).to.include("`npm run bench -- --only gas`");
    expect(section).to.include(
      "| transaction | gas | floor | per checkpoint | floor per checkpoint | per verified step | floor per step |",
    );
    expect(section).to.match(/- \*\*At most 1 new storage slot per step\*\*: [^\n]*\*\*met\*\*\./);
    expect(section).to.match(
      /\*\*Version 1's registry\*\* \(`LoraLedgerRegistry`, one step per proof\), \*\*retired\*\*, measured \d{4}-\d{2}-\d{2}/,
    );
  });

  it("renders version 2's table per transaction, per checkpoint and per verified step", function () {
    const rendered = renderMarkdown({ ...legacy(), v2Gas: v2Gas() });
    const section = gasSectionOf(rendered);
    expect(section).to.include("Measured by `npm run bench -- --only gas` on 2026-02-03T04:05:06.000Z");
    // Each figure beside its floor: the bare verifier call of the proof's instance (as many as the batch has).
    expect(section).to.include(
      "| `submitCheckpoint` (k = 2, checkpoint 0) | 300,000 | 240,000 | 300,000 | 240,000 | 150,000 | 120,000 |",
    );
    expect(section).to.include(
      "| `submitCheckpoints` of 2 (k = 2, checkpoints 1-2) | 540,000 | 480,000 | 270,000 | 240,000 | 135,000 | 120,000 |",
    );
    expect(section).to.include(
      "| `submitCheckpoints` of 4 (k = 2, checkpoints 3-6) | 1,000,000 | 960,000 | 250,000 | 240,000 | 125,000 | 120,000 |",
    );
    expect(section).to.include(
      "| `submitCheckpoints` of 8 (k = 2, checkpoints 7-14) | 1,920,000 | 1,920,000 | 240,000 | 240,000 | **120,000** | 120,000 |",
    );
    expect(section).to.include(
      "| `submitCheckpoint` (k = 4, `lora_checkpoint_8x8_r2_b2_d4_k4`, checkpoint 0 of a run of its own) | 310,000 | 240,000 | 310,000 | 240,000 | 77,500 | 60,000 |",
    );
    // Two projection blocks: the total and the range, beside the floor of both; one merge block: its figure.
    expect(section).to.match(
      /`submitProjectionBlock` [^|]*2 blocks[^|]*\| 610,000 in all \(300,000 … 310,000 per block\) \| 500,000 in all \(250,000 per block\) \| – \|/,
    );
    expect(section).to.match(/`submitMergeBlock` [^|]*1 block;[^|]*\| 400,000 \| 255,000 \| – \|/);
    expect(section).to.match(/`startRun` [^|]*\| 600,000 \| 270,000 \| – \|/);
    expect(section).to.include(
      "Over the floor, the registry's bookkeeping costs 60,000 in a lone `submitCheckpoint` at k = 2 (70,000 at k = 4) and 0 per checkpoint in `submitCheckpoints` of 8",
    );
    // No version 1 record: no historical line, and the closing summary's gas line is version 2's alone.
    expect(section).not.to.include("Version 1's registry");
    expect(rendered).to.include(
      "- **Gas** (version 2, LoraLedgerRegistryV2, k = 2 steps per checkpoint): 300,000 per `submitCheckpoint`, of which 240,000 (80.0 %) is the bare Groth16 verifier transaction; 125,000 per verified step in `submitCheckpoints` of 4.",
    );
  });

  it("keeps version 1's figures as a dated historical line beside version 2's, compared per verified step", function () {
    const results = upgradeResults({ ...legacy(), gas: legacyV1Gas() });
    expect(results.v1Gas?.measuredAt).to.equal("2026-01-10T00:00:00.000Z");
    const rendered = renderMarkdown({ ...results, v2Gas: v2Gas() });
    const section = gasSectionOf(rendered);
    expect(section).to.include(
      "**Version 1's registry** (`LoraLedgerRegistry`, one step per proof), **retired**, measured 2026-01-10 by `npm run bench` (historical record, not measured again): " +
        "330,000 per `submitStep`, of which 260,000 is the bare verifier transaction; 250,000 per step in `submitSteps` of 4; 321,000 per `recordMerge` (`lora_step_8x8_r2_b2_d4`).",
    );
    expect(section).to.include(
      "Per verified step, version 2 in `submitCheckpoints` of 4 costs 125,000, 50.0 % of version 1's in `submitSteps` of 4, and 150,000 alone against 330,000",
    );
    // The first target names version 1's figure when the record has it.
    expect(section).to.include(
      "- **One proof at most 280,000 gas** (version 1: 330,000 per `submitStep`, one step per proof): a lone `submitCheckpoint` costs 300,000 at k = 2, 310,000 at k = 4",
    );
    // The historical line follows version 2's table.
    expect(section.indexOf("Version 1's registry")).to.be.above(section.indexOf("| `submitMergeBlock`"));
    expect(rendered).to.include(
      "125,000 per verified step in `submitCheckpoints` of 4 (version 1's retired registry: 250,000 per step in `submitSteps` of 4, one step per proof).",
    );
  });

  it("states each target of the issue with the figure it is judged on and whether it is met", function () {
    const targets = (gas: V2GasRecord): string[] =>
      gasSectionOf(renderMarkdown({ ...legacy(), v2Gas: gas }))
        .split("\n")
        .filter((line) => line.startsWith("- **"));
    const [oneProof, atK4, slots] = targets(v2Gas());
    expect(oneProof).to.equal(
      "- **One proof at most 280,000 gas**: a lone `submitCheckpoint` costs 300,000 at k = 2, 310,000 at k = 4 (floor 240,000, the bare verifier call; 240,000 per proof in `submitCheckpoints` of 8): **not met**.",
    );
    expect(atK4).to.equal(
      "- **A checkpoint of k = 4 steps at most 80,000 gas per step**: a lone `submitCheckpoint` of `lora_checkpoint_8x8_r2_b2_d4_k4` costs 310,000, 77,500 per step (floor 60,000): **met**.",
    );
    expect(slots).to.equal(
      "- **At most 1 new storage slot per step**: every checkpoint transaction measured turned 1 of the registry's storage slots from zero to non-zero per checkpoint, at most 0.50 per verified step: **met**.",
    );
    // Cheaper proofs meet the first target; a dearer k = 4 checkpoint or two new slots per step miss theirs.
    const cheaper = v2Gas();
    cheaper.submitCheckpoint = { ...cheaper.submitCheckpoint, total: 270_000 };
    const [k4] = cheaper.otherStepCounts;
    if (k4 === undefined) throw new Error("no k = 4 figure");
    k4.submitCheckpoint = { ...k4.submitCheckpoint, total: 340_000, perStep: 85_000, newStorageSlots: 9 };
    const [cheaperOneProof, dearerAtK4, moreSlots] = targets(cheaper);
    expect(cheaperOneProof).to.match(/270,000 at k = 2, 340,000 at k = 4 .*: \*\*not met\*\*\.$/);
    expect(dearerAtK4).to.match(/85,000 per step \(floor 60,000\): \*\*not met\*\*\.$/);
    expect(moreSlots).to.match(/turned 1 or 9 of .* at most 2\.25 per verified step: \*\*not met\*\*\.$/);
    k4.submitCheckpoint = { ...k4.submitCheckpoint, total: 275_000, perStep: 68_750, newStorageSlots: 1 };
    expect(targets(cheaper)[0]).to.match(/: \*\*met\*\*\.$/);
    // Without a k = 4 measurement, the second target says so.
    expect(targets({ ...v2Gas(), otherStepCounts: [] })[1]).to.equal(
      "- **A checkpoint of k = 4 steps at most 80,000 gas per step**: not measured in this record (no k = 4 instance of the test shape).",
    );
  });

  it("says why version 2's gas is missing: never measured, --no-gas, or a failed run", function () {
    const noGas = (results: BenchResults): string => gasSectionOf(renderMarkdown(results));
    expect(noGas(legacy())).to.include("Not measured in this record: `npm run bench -- --only gas` measures it");
    expect(noGas({ ...legacy(), v2Gas: null })).to.include("Not measured in this run (`--no-gas`).");
    expect(noGas({ ...legacy(), v2Gas: { error: "no chain" } })).to.include(
      "**Not measured**: the gas run failed: no chain",
    );
    for (const results of [legacy(), { ...legacy(), v2Gas: null }]) {
      expect(renderMarkdown(results)).not.to.include("- **Gas** (version 2");
      expect(renderMarkdown(results)).not.to.include("per verified step** in");
    }
  });

  it("upgrades an older record: its version 1 gas becomes the retired record, a failed one is dropped, a newer one kept", function () {
    const upgraded = upgradeResults({ ...legacy(), gas: legacyV1Gas() });
    expect(upgraded).not.to.have.property("gas");
    expect(upgraded.v1Gas).to.deep.equal({
      measuredAt: "2026-01-10T00:00:00.000Z",
      command: "npm run bench",
      ...legacyV1Gas(),
    });
    expect(upgradeResults({ ...legacy(), gas: { error: "failed" } }).v1Gas).to.equal(undefined);
    expect(upgradeResults({ ...legacy(), gas: null }).v1Gas).to.equal(undefined);
    const kept = { measuredAt: "2025-12-01T00:00:00.000Z", command: "npm run bench -- --fresh", ...legacyV1Gas() };
    expect(upgradeResults({ ...legacy(), v1Gas: kept, gas: legacyV1Gas() }).v1Gas).to.equal(kept);
  });

  it("drops a version 2 gas record of an earlier bench/gasV2.ts (no batch of 8, no floors), which the section cannot state", function () {
    const { submitCheckpoints8, otherStepCounts, bareStartVerifier, ...earlier } = v2Gas();
    expect([submitCheckpoints8.checkpoints, otherStepCounts.length, bareStartVerifier]).to.deep.equal([8, 1, 270_000]);
    const upgraded = upgradeResults({ ...legacy(), v2Gas: earlier as V2GasRecord });
    expect(upgraded.v2Gas).to.equal(undefined);
    expect(gasSectionOf(renderMarkdown(upgraded))).to.include("Not measured in this record");
    expect(upgradeResults({ ...legacy(), v2Gas: v2Gas() }).v2Gas).to.deep.equal(v2Gas());
  });
});
