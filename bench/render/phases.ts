/** `## Phase details`: every phase of every circuit, its runs, peak memory and the load around it. */
import type { PeakMemory } from "../lib/phases.js";
import type { BenchResults } from "../lib/results.js";
import { DASH, code, heading, mib, seconds, table, type Block } from "./format.js";

function loadDetail(peak: PeakMemory | null | undefined): string {
  return peak === null || peak === undefined
    ? DASH
    : `${peak.loadAverage.start.toFixed(2)} → ${peak.loadAverage.end.toFixed(2)}`;
}

function peakDetail(peak: PeakMemory | null | undefined): string {
  if (peak === null || peak === undefined) return DASH;
  return peak.peakProcess === "phase node process"
    ? `${mib(peak.peakKiB)} (node process)`
    : `${mib(peak.peakKiB)} (circom2 child; the node driver ${mib(peak.selfMaxRssKiB)})`;
}

export function phasesSection(results: BenchResults): Block[] {
  return [
    heading(2, "Phase details"),
    table(
      ["circuit", "phase", "runs / detail", "peak RSS", "load avg (1 min) start → end"],
      results.circuits.flatMap((r) => {
        const rows: string[][] = [
          [
            code(r.instance),
            "compile",
            r.compile.source === "manifest"
              ? `${seconds(r.compile.seconds)} from the build manifest`
              : seconds(r.compile.seconds),
            peakDetail(r.compile.peakMemory),
            loadDetail(r.compile.peakMemory),
          ],
        ];
        if (r.setup !== null) {
          rows.push([
            "",
            "setup",
            r.setup.detail === undefined
              ? `${seconds(r.setup.seconds)}${r.setup.source === "manifest" ? " from the build manifest" : ""}`
              : `new zkey ${seconds(r.setup.detail.newZkeySeconds ?? 0)}, beacon ${seconds(r.setup.detail.beaconSeconds ?? 0)}, export vkey + verifier ${seconds(r.setup.detail.exportSeconds ?? 0)}`,
            peakDetail(r.setup.peakMemory),
            loadDetail(r.setup.peakMemory),
          ]);
        }
        if (r.prove !== null) {
          rows.push(
            ["", `reference (TS): ${r.prove.reference}`, seconds(r.prove.referenceSeconds), "", ""],
            ["", "witness", r.prove.witness.runs.map(seconds).join(", "), "", ""],
            [
              "",
              "proving",
              r.prove.proving.runs.map(seconds).join(", "),
              peakDetail(r.prove.proving.peakMemory),
              loadDetail(r.prove.proving.peakMemory),
            ],
            [
              "",
              "verification",
              `${r.prove.verification.runs.map(seconds).join(", ")} (${r.prove.verification.valid ? "all valid" : "INVALID"})`,
              "",
              "",
            ],
          );
        } else rows.push(["", "setup, proving", r.note ?? "compile only", "", ""]);
        return rows;
      }),
    ),
    "The first proving run of each circuit also pays snarkjs's curve and worker-thread initialisation; the median discounts it.",
  ];
}
