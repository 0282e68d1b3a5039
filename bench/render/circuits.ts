/** `## Every circuit`: one row per benchmarked circuit, instances and comparison circuits alike. */
import type { BenchResults } from "../lib/results.js";
import { DASH, bytes, code, count, heading, memory, seconds, table, timed, type Block } from "./format.js";

export function everyCircuitSection(results: BenchResults): Block[] {
  return [
    heading(2, "Every circuit"),
    table(
      [
        "circuit",
        "origin",
        "constraints",
        "2^k",
        "compile",
        "setup",
        "witness",
        "prove",
        "verify",
        "peak mem compile / setup / prove",
        "zkey",
      ],
      results.circuits.map((r) => [
        code(r.instance),
        r.origin === "instances.json" ? "instance" : "comparison",
        count(r.circuit.constraints),
        String(r.circuit.power),
        timed(r.compile),
        r.setup === null ? (r.note ?? DASH) : timed(r.setup),
        r.prove === null ? DASH : seconds(r.prove.witness.medianSeconds),
        r.prove === null ? DASH : seconds(r.prove.proving.medianSeconds),
        r.prove === null ? DASH : seconds(r.prove.verification.medianSeconds),
        `${memory(r.compile.peakMemory)} / ${r.setup === null ? DASH : memory(r.setup.peakMemory)} / ${r.prove === null ? DASH : memory(r.prove.proving.peakMemory)}`,
        bytes(r.files.zkey),
      ]),
      ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  ];
}
