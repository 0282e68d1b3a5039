/**
 * Protocol version 2 (PROTOCOL §11–§13), rendered only when the record has it (`results.v2`, written by a
 * run that measured version 2's circuits): `## Version 2 at a glance`, the targets and whether each is met,
 * near the top; and `## Version 2: checkpoints and the base projection`, the reference checkpoint beside
 * version 1's step, the compile-only sweep, the widest checkpoint within 2^17, k steps per proof, the base
 * projection per multiply-accumulate, and where the reference checkpoint's constraints go.
 */
import { baseLayout } from "../../src/protocol/index.js";
import type { BenchResults, CircuitRecord } from "../lib/results.js";
import { DASH, bytes, code, count, heading, memory, percent, seconds, table, timed, type Block } from "./format.js";
import { CIRCUIT_SOURCES } from "./paths.js";
import { byName, measuredV2Gas } from "./records.js";

type V2 = NonNullable<BenchResults["v2"]>;

/** A record's layer parameters (version 2's records all have them; 0 stands for a missing one). */
function shape(r: CircuitRecord): { dIn: number; dOut: number; rank: number; batch: number; steps: number } {
  const p = r.params;
  return { dIn: p.dIn ?? 0, dOut: p.dOut ?? 0, rank: p.rank ?? 0, batch: p.batch ?? 0, steps: p.steps ?? 1 };
}

const proving = (r: CircuitRecord | undefined): number | undefined => r?.prove?.proving.medianSeconds;
const yesNo = (met: boolean | undefined): string => (met === undefined ? "not measured" : met ? "**yes**" : "**no**");

function runNote(v2: V2): Block[] {
  if (v2.run === null) return [];
  return [
    `Measured by \`${v2.run.command}\` on ${v2.run.generatedAt} (${(v2.run.durationSeconds / 60).toFixed(0)} min; the 1-minute load average reached ${v2.run.maxLoad1min.toFixed(2)}), ` +
      "merged into the record of the run the header describes, whose other circuits it kept.",
  ];
}

/** `## Version 2 at a glance`: the targets and whether each is met. */
export function v2SummarySection(results: BenchResults): Block[] {
  const v2 = results.v2;
  if (v2 === undefined) return [];
  const records = byName(results);
  const ref = records.get(v2.reference);
  const widest = records.get(v2.widest);
  const ptau = 2 ** v2.targets.ptauPower;
  const sweep = v2.sweep.flatMap((name) => records.get(name) ?? []);
  const perTrainable = sweep.map((r) => {
    const { dIn, dOut, rank } = shape(r);
    return r.circuit.constraints / (rank * (dIn + dOut));
  });
  const perSquare = sweep.map((r) => r.circuit.constraints / (shape(r).dIn * shape(r).dOut));
  const range = (values: number[]): string =>
    values.length === 0 ? "not measured" : `${Math.min(...values).toFixed(1)} … ${Math.max(...values).toFixed(1)}`;
  const refProving = proving(ref);
  return [
    heading(2, "Version 2 at a glance"),
    `Protocol version 2 (docs/PROTOCOL.md §11–§13): the checkpoint (\`LoraCheckpoint\`, ${CIRCUIT_SOURCES.LoraCheckpoint}) reads each example's base output z = W0 x from the activated dataset and checks it by a random projection, so it never touches W0; the base projection (\`BaseProjectionBlock\`, ${CIRCUIT_SOURCES.BaseProjectionBlock}) is proven once per base model and dataset, block by block. Details under Version 2 below.`,
    table(
      ["target", "measured", "met"],
      [
        [
          `${code(v2.reference)}: at most ${count(v2.targets.referenceConstraints)} constraints`,
          ref === undefined ? "not run" : count(ref.circuit.constraints),
          yesNo(ref === undefined ? undefined : ref.circuit.constraints <= v2.targets.referenceConstraints),
        ],
        [
          `${code(v2.reference)}: at most ${v2.targets.referenceProvingSeconds} s proving (median)`,
          refProving === undefined ? "not run" : seconds(refProving),
          yesNo(refProving === undefined ? undefined : refProving <= v2.targets.referenceProvingSeconds),
        ],
        [
          `${code(v2.widest)} (the widest square k = 1, r = 4 checkpoint) within 2^${v2.targets.ptauPower} = ${count(ptau)}`,
          widest === undefined
            ? "not run"
            : `${count(widest.circuit.constraints)} (margin ${count(ptau - widest.circuit.constraints)})`,
          yesNo(widest === undefined ? undefined : widest.circuit.power <= v2.targets.ptauPower),
        ],
        [
          "checkpoint growth with r (d_in + d_out), not d_in d_out (sweep, r = 8)",
          `constraints per trainable parameter ${range(perTrainable)}; per d_in d_out ${range(perSquare)}`,
          yesNo(
            perTrainable.length < 2
              ? undefined
              : Math.max(...perTrainable) / Math.min(...perTrainable) < Math.max(...perSquare) / Math.min(...perSquare),
          ),
        ],
      ],
      ["l", "r", "l"],
    ),
    ...runNote(v2),
    ...gasGlance(results),
  ];
}

/** Version 2's gas per verified step in one sentence, the table being under Gas. */
function gasGlance(results: BenchResults): Block[] {
  const gas = measuredV2Gas(results);
  if (gas === undefined) return [];
  return [
    `Gas on LoraLedgerRegistryV2 (in-process network, ${code(gas.instances.checkpoint)}, k = ${gas.stepsPerCheckpoint}): **${count(gas.submitCheckpoints4.perStep)} per verified step** in \`submitCheckpoints\` of 4, ` +
      `${count(gas.submitCheckpoint.perStep)} per step in a lone \`submitCheckpoint\` (${count(gas.submitCheckpoint.total)}); measured on ${gas.measuredAt}, the table is under Gas per verified step.`,
  ];
}

function referenceTable(ref: CircuitRecord | undefined, beside: CircuitRecord | undefined): Block {
  const both = [ref, beside];
  const cell = (f: (r: CircuitRecord) => string): string[] => both.map((r) => (r === undefined ? "not run" : f(r)));
  return table(
    ["metric", ...both.map((r, i) => (r === undefined ? (i === 0 ? "version 2" : "version 1") : code(r.instance)))],
    [
      ["template", ...cell((r) => r.template)],
      ["constraints", ...cell((r) => count(r.circuit.constraints))],
      ["powers of tau needed", ...cell((r) => `2^${r.circuit.power}`)],
      ["compile time", ...cell((r) => timed(r.compile))],
      ["setup time", ...cell((r) => (r.setup === null ? (r.note ?? DASH) : timed(r.setup)))],
      ["witness time (median)", ...cell((r) => (r.prove === null ? DASH : seconds(r.prove.witness.medianSeconds)))],
      ["proving time (median)", ...cell((r) => (r.prove === null ? DASH : seconds(r.prove.proving.medianSeconds)))],
      [
        "verification time (snarkjs JS, median)",
        ...cell((r) => (r.prove === null ? DASH : seconds(r.prove.verification.medianSeconds))),
      ],
      [
        "proof size",
        ...cell((r) =>
          r.prove === null
            ? DASH
            : `${r.prove.proofSize.calldataBytes} B calldata (${r.prove.proofSize.compressedBytes} B compressed)`,
        ),
      ],
      ["public inputs", ...cell((r) => String(r.circuit.publicInputs))],
      ["peak memory: compile", ...cell((r) => memory(r.compile.peakMemory))],
      ["peak memory: setup", ...cell((r) => (r.setup === null ? DASH : memory(r.setup.peakMemory)))],
      [
        "peak memory: witness + proving",
        ...cell((r) => (r.prove === null ? DASH : memory(r.prove.proving.peakMemory))),
      ],
      ["zkey size", ...cell((r) => bytes(r.files.zkey))],
    ],
  );
}

function sweepTable(records: readonly CircuitRecord[]): Block {
  return table(
    [
      "layer",
      "constraints",
      "2^k",
      "compile",
      "peak mem compile",
      "r (d_in + d_out)",
      "per trainable parameter",
      "n (d_in + d_out)",
      "per n (d_in + d_out)",
      "d_in d_out",
      "per d_in d_out",
    ],
    records.map((r) => {
      const { dIn, dOut, rank, batch } = shape(r);
      const trainable = rank * (dIn + dOut);
      const activations = batch * (dIn + dOut);
      const c = r.circuit.constraints;
      return [
        `${dIn}×${dOut}, r=${rank}, n=${batch}`,
        count(c),
        String(r.circuit.power),
        timed(r.compile),
        memory(r.compile.peakMemory),
        count(trainable),
        (c / trainable).toFixed(1),
        count(activations),
        (c / activations).toFixed(1),
        count(dIn * dOut),
        (c / (dIn * dOut)).toFixed(2),
      ];
    }),
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

function stepsTable(records: readonly CircuitRecord[]): Block {
  return table(
    ["k (steps per proof)", "circuit", "constraints", "per step", "proving (median)", "proving per step", "2^k"],
    records.map((r) => {
      const k = shape(r).steps;
      const p = proving(r);
      return [
        String(k),
        code(r.instance),
        count(r.circuit.constraints),
        count(r.circuit.constraints / k),
        p === undefined ? DASH : seconds(p),
        p === undefined ? DASH : seconds(p / k),
        String(r.circuit.power),
      ];
    }),
    ["r", "l", "r", "r", "r", "r", "r"],
  );
}

/** Multiply-accumulates of W0 a projection block covers: d_out × C. */
function blockMacs(r: CircuitRecord): number {
  const { dIn, dOut } = shape(r);
  return dOut * baseLayout(dIn, dOut).columns;
}

function projectionBlocks(v2: V2, records: ReadonlyMap<string, CircuitRecord>): Block[] {
  const found = v2.projection.flatMap((name) => records.get(name) ?? []);
  if (found.length === 0) return [];
  const full = records.get(v2.projection[0] ?? "");
  const fullProving = proving(full);
  const perMillion =
    full === undefined || fullProving === undefined ? undefined : (fullProving * 1e6) / blockMacs(full);
  const demoLayout = baseLayout(v2.demo.dIn, v2.demo.dOut);
  const demoMacs = v2.demo.dIn * v2.demo.dOut;
  const demoProjection = found.find((r) => shape(r).dIn === v2.demo.dIn && shape(r).dOut === v2.demo.dOut);
  const demoProving = proving(demoProjection);
  return [
    heading(3, "Base projection: proving time per multiply-accumulate of W0"),
    "Each block proves one link of the projection w = ρᵀ W0 over a d_out × C column block of W0 (C = baseColumns, d_out C ≤ 4,096): d_out C multiply-accumulates. " +
      "Seconds per 10^6 MACs = proving time × 10^6 / (d_out C), from the full 4,096-weight block.",
    table(
      ["circuit", "block", "MACs", "constraints", "setup", "proving (median)", "s per 10^6 MACs"],
      found.map((r) => {
        const macs = blockMacs(r);
        const p = proving(r);
        return [
          code(r.instance),
          `${shape(r).dOut}×${baseLayout(shape(r).dIn, shape(r).dOut).columns} of ${shape(r).dIn}×${shape(r).dOut}`,
          count(macs),
          count(r.circuit.constraints),
          timed(r.setup),
          p === undefined ? DASH : seconds(p),
          p === undefined ? DASH : count((p * 1e6) / macs),
        ];
      }),
      ["l", "l", "r", "r", "r", "r", "r"],
    ),
    `The demo's base model (${code(v2.demo.instance)}'s layer, ${v2.demo.dIn}×${v2.demo.dOut}): ${demoLayout.blocks} block(s), ${count(demoMacs)} MACs; ` +
      `its projection takes ${demoProving === undefined ? "(not measured)" : `${seconds(demoProving * demoLayout.blocks)} of proving (${demoLayout.blocks} × ${seconds(demoProving)}, measured)`}` +
      `${perMillion === undefined ? "" : `, against ${seconds((perMillion * demoMacs) / 1e6)} at the full block's rate of ${perMillion.toFixed(0)} s per 10^6 MACs (a small block pays the fixed cost of its hashes and challenge)`}. ` +
      "It is proven once per base model and dataset, not per step.",
  ];
}

function whereTheConstraintsGo(ref: CircuitRecord): Block[] {
  const { steps } = shape(ref);
  return [
    heading(3, `Where the constraints of a version 2 step go (${code(ref.instance)}, k = ${steps})`),
    "By the exact per-item formula of bench/lib/constraints.ts (`loraCheckpointBreakdown`), checked against compiled circuits by `npx tsx bench/breakdown-check.ts`.",
    table(
      ["family", "item", "formula", "constraints", "share"],
      [
        ...ref.constraintBreakdown.rows.map((b) => [
          b.family,
          b.item,
          b.formula,
          count(b.constraints),
          percent(b.constraints, ref.constraintBreakdown.compiled),
        ]),
        [
          "",
          "**formula total** (compiled: residual)",
          "",
          `**${count(ref.constraintBreakdown.formulaTotal)}**`,
          `${count(ref.constraintBreakdown.compiled)}: ${count(ref.constraintBreakdown.residual)}`,
        ],
      ],
      ["l", "l", "l", "r", "r"],
    ),
  ];
}

/** `## Version 2: checkpoints and the base projection`. */
export function v2Section(results: BenchResults): Block[] {
  const v2 = results.v2;
  if (v2 === undefined) return [];
  const records = byName(results);
  const ref = records.get(v2.reference);
  const beside = records.get(v2.beside);
  const widest = records.get(v2.widest);
  const sweep = v2.sweep.flatMap((name) => records.get(name) ?? []);
  const steps = v2.steps.flatMap((name) => records.get(name) ?? []);
  const ptau = 2 ** v2.targets.ptauPower;
  const blocks: Block[] = [
    heading(2, "Version 2: checkpoints and the base projection"),
    ...runNote(v2),
    heading(3, "The reference checkpoint beside version 1's step of the same shape"),
    `${code(v2.reference)} proves one step (k = 1) of the 64×64, r = 4, n = 4 layer from the activated dataset; ${code(v2.beside)} proves the same step in version 1, computing W0 x from the committed W0.`,
    referenceTable(ref, beside),
  ];
  if (sweep.length > 0) {
    blocks.push(
      heading(3, "Checkpoint sweep over square layers (compile-only)"),
      "k = 1, r = 8, n = 4, depth 8, compiled only (no setup: the wider ones need more than 2^17). A version 2 step never touches W0, so its constraints follow r (d_in + d_out) (adapters, their products and updates) and n (d_in + d_out) (examples, base outputs, projection checks), not d_in d_out.",
      sweepTable(sweep),
    );
  }
  if (widest !== undefined) {
    blocks.push(
      heading(3, "The widest square checkpoint within 2^17"),
      `${code(widest.instance)} (${shape(widest).dIn}×${shape(widest).dOut}, r = ${shape(widest).rank}, n = ${shape(widest).batch}, k = 1): ${count(widest.circuit.constraints)} constraints, ` +
        `${count(ptau - widest.circuit.constraints)} (${percent(ptau - widest.circuit.constraints, ptau)}) below 2^${v2.targets.ptauPower} = ${count(ptau)}; needs 2^${widest.circuit.power}. Compiled in ${timed(widest.compile)}, compiled only.`,
    );
  }
  if (steps.length > 0) {
    blocks.push(
      heading(3, "Steps per proof on the test shape"),
      "The test checkpoint shape (8×8, r = 2, n = 2, depth 4) at k steps per proof: the run config, projection, committed adapters and stepSubmitter are paid once per proof, the rest per step.",
      stepsTable(steps),
    );
  }
  blocks.push(...projectionBlocks(v2, records));
  if (ref !== undefined) blocks.push(...whereTheConstraintsGo(ref));
  return blocks;
}
