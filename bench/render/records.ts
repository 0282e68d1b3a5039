/** Queries over the benchmark's records that several sections of BENCHMARKS.md share. */
import type { ConstraintFamily } from "../lib/constraints.js";
import type { ParameterRatio } from "../lib/params.js";
import type { BenchResults, CircuitRecord, V2GasRecord } from "../lib/results.js";

export function family(r: CircuitRecord, f: ConstraintFamily): number {
  return r.constraintBreakdown.byFamily[f];
}

/** The constraints of the breakdown rows named `name`. */
export function item(r: CircuitRecord, name: string): number {
  return r.constraintBreakdown.rows.filter((b) => b.item === name).reduce((sum, b) => sum + b.constraints, 0);
}

export function byName(results: BenchResults): Map<string, CircuitRecord> {
  return new Map(results.circuits.map((r) => [r.instance, r]));
}

export function declared(results: BenchResults): CircuitRecord[] {
  return results.circuits.filter((r) => r.origin === "instances.json");
}

/** Version 2's gas when the record has a measurement of it (not skipped, not failed). */
export function measuredV2Gas(results: BenchResults): V2GasRecord | undefined {
  const gas = results.v2Gas;
  return gas === undefined || gas === null || "error" in gas ? undefined : gas;
}

function phaseLoads(record: CircuitRecord): number[] {
  return [
    record.compile.peakMemory,
    record.setup?.peakMemory ?? null,
    record.prove?.proving.peakMemory ?? null,
  ].flatMap((peak) => (peak === null ? [] : [peak.loadAverage.start, peak.loadAverage.end]));
}

/** The largest 1-minute load average seen during the run, sampled or at a phase's start or end. */
export function maxLoad(results: BenchResults): number {
  return Math.max(
    results.loadAverage.max1min,
    ...results.loadAverage.start,
    ...results.loadAverage.end,
    ...results.circuits.flatMap(phaseLoads),
  );
}

/** The reference LoRA step of the closing note: the largest LoraStep instance benchmarked (else the largest LoraStep). */
export function referenceLoraStep(results: BenchResults): CircuitRecord | undefined {
  const loraSteps = results.circuits
    .filter((r) => r.template === "LoraStep")
    .sort((a, b) => b.circuit.constraints - a.circuit.constraints);
  return loraSteps.find((r) => r.origin === "instances.json") ?? loraSteps[0];
}

export function inRange(points: readonly ParameterRatio[]): number {
  return points.filter((p) => p.ratio >= 24 && p.ratio <= 96).length;
}
