// Renders BENCHMARKS.md from bench/results.json (no circuit is compiled and nothing is proven).
//   npm run bench:render                rewrite BENCHMARKS.md
//   npm run bench:render -- --check     exit 1, with the first differing lines, if BENCHMARKS.md is not what
//                                       bench/results.json renders to; 0 if it is
import path from "node:path";
import { MARKDOWN_FILE, RESULTS_FILE, checkMarkdown, readResults, writeMarkdown } from "./render/document.js";
import { PROJECT_ROOT, stderrProgress } from "../src/node/index.js";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--check");
if (unknown.length > 0) {
  process.stderr.write(
    `bench:render: unknown argument(s) ${unknown.join(" ")} (usage: npm run bench:render [-- --check])\n`,
  );
  process.exit(2);
}
const markdown = path.relative(PROJECT_ROOT, MARKDOWN_FILE);
const results = path.relative(PROJECT_ROOT, RESULTS_FILE);
if (args.includes("--check")) {
  const report = checkMarkdown(readResults());
  if (report !== null) {
    process.stderr.write(`${report}\n`);
    process.exit(1);
  }
  stderrProgress("bench:render").done(`${markdown} is current with ${results}`);
} else {
  writeMarkdown(readResults());
  stderrProgress("bench:render").done(`rendered ${markdown} from ${results}`);
}
