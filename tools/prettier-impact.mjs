// How much would `prettier --write .` change? For each prettier config given (default: the
// project's .prettierrc.json), prints the number of files and lines that formatting would change,
// per file extension. Read-only: the formatted text goes to a temporary folder, never to the tree.
//
//   node tools/prettier-impact.mjs [config.json ...]
import { execFileSync } from "node:child_process";
import console from "node:console";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import * as prettier from "prettier";

const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
const configs = process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, ".prettierrc.json")];
const ignorePath = [path.join(root, ".gitignore"), path.join(root, ".prettierignore")];
const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);

// The files `prettier --check .` looks at: not ignored, and with a parser (Solidity's comes from the plugin).
const files = [];
for (const file of tracked) {
  const info = await prettier.getFileInfo(path.join(root, file), { ignorePath, plugins: ["prettier-plugin-solidity"] });
  if (!info.ignored && info.inferredParser !== null) files.push(file);
}

const scratch = mkdtempSync(path.join(tmpdir(), "prettier-impact-"));
/** Added and removed lines between two texts, as `git diff --numstat` counts them. */
function lineDelta(before, after) {
  const a = path.join(scratch, "a");
  const b = path.join(scratch, "b");
  writeFileSync(a, before);
  writeFileSync(b, after);
  let numstat;
  try {
    numstat = execFileSync("git", ["diff", "--no-index", "--numstat", a, b], { encoding: "utf8" });
  } catch (error) {
    numstat = error.stdout; // exit status 1: the files differ
  }
  const [added, removed] = numstat.trim().split(/\s+/).map(Number);
  return { added, removed };
}

try {
  for (const config of configs) {
    let changedFiles = 0;
    let added = 0;
    let removed = 0;
    const perExtension = {};
    for (const file of files) {
      const absolute = path.join(root, file);
      const options = await prettier.resolveConfig(absolute, { config: path.resolve(config), editorconfig: false });
      const source = readFileSync(absolute, "utf8");
      const formatted = await prettier.format(source, { ...options, filepath: absolute });
      if (formatted === source) continue;
      const delta = lineDelta(source, formatted);
      changedFiles++;
      added += delta.added;
      removed += delta.removed;
      const extension = path.extname(file) || file;
      perExtension[extension] ??= { files: 0, lines: 0 };
      perExtension[extension].files++;
      perExtension[extension].lines += delta.added + delta.removed;
    }
    console.log(
      `${path.relative(root, path.resolve(config)) || config}: ${changedFiles}/${files.length} files change, ` +
        `+${added} -${removed} lines (${added + removed}) ${JSON.stringify(perExtension)}`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
