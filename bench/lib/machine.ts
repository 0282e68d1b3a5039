/** What the benchmark ran on, and with which tool versions. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT, loadInstances } from "../../src/node/index.js";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryBytes: number;
  platform: string;
  kernel: string;
  node: string;
  snarkjs: string;
  circom2Package: string;
  /** what `circom2 --version` prints for the compiler itself */
  circom: string;
  circomFlags: string[];
  gnuTime: boolean;
}

function packageVersion(name: string): string {
  const file = path.join(PROJECT_ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function circomVersion(): string {
  const cli = path.join(PROJECT_ROOT, "node_modules", "circom2", "cli.js");
  const run = spawnSync(process.execPath, [cli, "--version"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
  const line = `${run.stdout}\n${run.stderr}`.split("\n").find((text) => /^circom compiler/i.test(text.trim()));
  return (
    line?.trim().replace(/^circom compiler\s*/i, "") ??
    `${loadInstances().compiler.circom} (from circuits/instances.json)`
  );
}

export function machineInfo(gnuTime: boolean): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    snarkjs: packageVersion("snarkjs"),
    circom2Package: packageVersion("circom2"),
    circom: circomVersion(),
    circomFlags: loadInstances().compiler.flags,
    gnuTime,
  };
}
