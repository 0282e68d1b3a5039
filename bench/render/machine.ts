/** `## Machine`: the hardware and software of the run, and how loaded the shared machine was. */
import type { BenchResults } from "../lib/results.js";
import { DASH, heading, table, type Block } from "./format.js";
import { maxLoad } from "./records.js";

export function machineSection(results: BenchResults): Block[] {
  const { machine } = results;
  const load = maxLoad(results);
  return [
    heading(2, "Machine"),
    table(
      ["", ""],
      [
        ["CPU", machine.cpuModel],
        ["cores (os.cpus)", String(machine.cores)],
        ["memory", `${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`],
        ["OS", `${machine.platform}, kernel ${machine.kernel}`],
        ["Node", machine.node],
        ["snarkjs", machine.snarkjs],
        [
          "circom",
          `${machine.circom} (circom2 npm package ${machine.circom2Package}, WASM build), flags ${machine.circomFlags.join(" ")}`,
        ],
        [
          "powers of tau",
          [...new Set(results.circuits.flatMap((r) => (r.circuit.ptau === null ? [] : [r.circuit.ptau])))].join(", ") ||
            DASH,
        ],
        [
          "load average (1, 5, 15 min) at start / end",
          `${results.loadAverage.start.map((v) => v.toFixed(2)).join(", ")} / ${results.loadAverage.end.map((v) => v.toFixed(2)).join(", ")}`,
        ],
        ["largest 1-minute load average seen", load.toFixed(2)],
      ],
    ),
    load > machine.cores + 0.5
      ? `Machine load: the 1-minute load average reached ${load.toFixed(2)} on ${machine.cores} cores. The benchmark itself keeps it between 1 and ${machine.cores} (a phase process and its worker threads), so the excess is other engineers' concurrent work (test suites: circom compiles, Groth16 proofs, Hardhat). ` +
        "Timings are therefore upper bounds: the spread of the repeated runs in Phase details shows the noise, and ratios between circuits measured minutes apart carry it too. Constraint counts, proof sizes and gas are exact and unaffected."
      : `Machine load: the 1-minute load average peaked at ${load.toFixed(2)} on ${machine.cores} cores, which is about what the benchmark itself produces (a phase process and its worker threads keep it between 1 and ${machine.cores}), so little else ran during this run. ` +
        "The machine is shared with other engineers' test runs, so some noise remains possible: the spread of the repeated runs in Phase details shows it. Constraint counts, proof sizes and gas are exact and unaffected by load.",
  ];
}
