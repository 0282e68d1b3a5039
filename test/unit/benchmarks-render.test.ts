import { expect } from "chai";
import { readFileSync } from "node:fs";

import { MARKDOWN_FILE, checkMarkdown, readResults, stalenessReport } from "../../bench/render/document.js";
import { portableCommand } from "../../bench/render/header.js";
import { renderMarkdown } from "../../bench/render/index.js";

describe("BENCHMARKS.md", () => {
  it("is what bench/results.json renders to (npm run bench:render)", () => {
    const rendered = renderMarkdown(readResults());
    const committed = readFileSync(MARKDOWN_FILE, "utf8");
    // The report names the first differing lines when the document is stale.
    expect(stalenessReport(committed, rendered)).to.equal(null);
    expect(checkMarkdown()).to.equal(null);
  });

  it("is reported stale, with the differing lines, when a recorded value changes", () => {
    const results = readResults();
    const record = results.circuits[0];
    if (record === undefined) throw new Error("bench/results.json records no circuit");
    const before = record.circuit.wires;
    record.circuit.wires = before + 1;
    const report = checkMarkdown(results);
    expect(report).to.be.a("string");
    const lines = (report as string).split("\n");
    expect(lines[0]).to.equal("BENCHMARKS.md is not current: run npm run bench:render");
    const count = (value: number): string => value.toLocaleString("en-US");
    expect(lines.some((line) => line.startsWith("-| wires |") && line.includes(count(before)))).to.equal(true);
    expect(lines.some((line) => line.startsWith("+| wires |") && line.includes(count(before + 1)))).to.equal(true);
    expect(lines.some((line) => /^@@ -\d+,\d+ \+\d+,\d+ @@$/.test(line))).to.equal(true);
  });

  it("reports a changed line with its context and line numbers", () => {
    const report = stalenessReport("a\nb\nc\nd\ne\n", "a\nb\nC\nd\ne\n");
    expect(report).to.equal(
      [
        "BENCHMARKS.md is not current: run npm run bench:render",
        "--- BENCHMARKS.md (on disk)",
        "+++ BENCHMARKS.md (rendered from bench/results.json)",
        "@@ -1,5 +1,5 @@",
        " a",
        " b",
        "-c",
        "+C",
        " d",
        " e",
      ].join("\n"),
    );
  });

  it("names files relative to the repository, never by one machine's absolute path", () => {
    const rendered = renderMarkdown(readResults());
    expect(rendered).not.to.match(/(^|[\s=(`])(\/(work|root|home|tmp|Users|mnt|opt)\/|[A-Z]:\\)/m);
    expect(portableCommand("PTAU=/work/shared/ptau/pot17_final.ptau npm run bench -- --fresh").command).to.equal(
      "PTAU=pot17_final.ptau npm run bench -- --fresh",
    );
    expect(portableCommand("PTAU=../shared/ptau/pot17_final.ptau npm run bench")).to.deep.equal({
      command: "PTAU=../shared/ptau/pot17_final.ptau npm run bench",
      notes: [],
    });
  });
});
