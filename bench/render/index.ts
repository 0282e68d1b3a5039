/** BENCHMARKS.md, rendered from the benchmark's record (bench/results.json): one function per section, in document order. */
import type { BenchResults } from "../lib/results.js";
import { breakdownSection } from "./breakdown.js";
import { everyCircuitSection } from "./circuits.js";
import { closingSection } from "./closing.js";
import { comparisonSection } from "./comparison.js";
import type { Block } from "./format.js";
import { gasSection } from "./gas.js";
import { headerSection } from "./header.js";
import { instancesSection } from "./instances.js";
import { machineSection } from "./machine.js";
import { mergeSection } from "./merge.js";
import { methodSection } from "./method.js";
import { parametersSection } from "./parameters.js";
import { phasesSection } from "./phases.js";
import { queueSection } from "./queue.js";
import { v2Section, v2SummarySection } from "./v2.js";

/** A section of the document: its blocks (none when the run has nothing for it). */
export type Section = (results: BenchResults) => Block[];

export const SECTIONS: readonly Section[] = [
  headerSection,
  v2SummarySection,
  instancesSection,
  gasSection,
  comparisonSection,
  mergeSection,
  v2Section,
  queueSection,
  everyCircuitSection,
  parametersSection,
  phasesSection,
  machineSection,
  methodSection,
  breakdownSection,
  closingSection,
];

/** The whole document: the sections' blocks separated by blank lines, ending with a newline. */
export function renderMarkdown(results: BenchResults): string {
  return `${SECTIONS.flatMap((section) => section(results)).join("\n\n")}\n`;
}
