/** BENCHMARKS.md, rendered from the benchmark's record (bench/results.json): one function per section, in document order. */
import type { BenchResults } from "../lib/results.js";
import { breakdownSection } from "./breakdown.js";
import { everyCircuitSection } from "./circuits.js";
import { closingSection } from "./closing.js";
import { comparisonSection } from "./comparison.js";
import type { Block } from "./format.js";
import { gasSection } from "./gas.js";
import { CONTENTS_PLACEHOLDER, headerSection } from "./header.js";
import { instancesSection } from "./instances.js";
import { machineSection } from "./machine.js";
import { mergeSection } from "./merge.js";
import { methodSection } from "./method.js";
import { parametersSection } from "./parameters.js";
import { phasesSection } from "./phases.js";
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
  everyCircuitSection,
  parametersSection,
  phasesSection,
  machineSection,
  methodSection,
  breakdownSection,
  closingSection,
];

/** The whole document: the sections' blocks separated by blank lines, ending with a newline. */
/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");
}

/** The document's sections as links, where the header asks for them: a reader lands on the summary, then jumps. */
function withContents(blocks: readonly string[]): string[] {
  const headings = blocks
    .filter((block) => block.startsWith("## "))
    .map((block) => block.split("\n")[0]?.slice(3) ?? "");
  const contents = `Contents: ${headings.map((heading) => `[${heading}](#${anchorOf(heading)})`).join(" · ")}.`;
  return blocks.map((block) => (block === CONTENTS_PLACEHOLDER ? contents : block));
}

export function renderMarkdown(results: BenchResults): string {
  return `${withContents(SECTIONS.flatMap((section) => section(results))).join("\n\n")}\n`;
}
