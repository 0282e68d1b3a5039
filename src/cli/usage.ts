/**
 * What `--help` prints for each command: its options and one line per example. The full formats are in
 * docs/COMMANDS.md; these are the reminders a person at a terminal needs.
 */
export const COMMAND_USAGE = {
  example: `Usage: npm run -s example -- [options] > input.json

Writes a valid \`prove\` input (one JSON document) for a generated task on stdout.

Options:
  --kind checkpoint|start|projection|merge-block   a version-2 statement (what the registry accepts)
  --instance NAME        the circuit instance (circuits/instances.json); default: the kind's first built
  --step N               the step (version 1) or the first step of the checkpoint (a multiple of k); default 0
  --block B              the block of a projection or merge-block example; default 0
  --seed S               the generated task's seed (and the run's canonical start); default 1
  --encoding real|fixed  tensors as real numbers or as the fixed-point integers; default real
  --submitter 0x…        the submitter bound into the statement; default Hardhat's first account
  --dataset-size N       examples in the generated dataset; default 2^depth of the instance
  --batch                only the batch the step selects, with Merkle paths, not the whole dataset
  --merge                version 1: the merge of the step's adapter_after instead of the step
  -h, --help             this text

Examples:
  npm run -s example -- --kind checkpoint --step 4 | npm run -s prove | npm run -s verify
  npm run -s example -- --kind start > out/start.json
`,
  prove: `Usage: npm run -s prove -- [--out FILE] [--quiet] < input.json > proof.json

Reads one \`prove\` input on stdin (what \`example\` writes), checks it, computes the witness and a
Groth16 proof, and answers one JSON document on stdout: the proof, its public signals, the calldata
and metadata. Progress and a one-line error go to stderr; the exit code names the class of error
(docs/COMMANDS.md#exit-codes).

Options:
  --out FILE   also write the answer to FILE, atomically (nothing is left behind on a failure)
  --quiet      no progress on stderr
  -h, --help   this text

Example:
  npm run -s example -- --kind checkpoint | npm run -s prove -- --out out/proof.json | npm run -s verify
`,
  verify: `Usage: npm run -s verify -- [--quiet] [--rpc URL --registry ADDRESS] < proof.json

Reads a proof (prove's answer as is) on stdin and answers {"valid", "reason", "public_inputs",
"instance"}: exit 0 when the proof verifies, 10 when it does not (docs/COMMANDS.md#exit-codes).

Options:
  --quiet               no progress on stderr
  --rpc URL             with --registry: verify with the key of the verifier the registry records
  --registry ADDRESS    for the instance, decoded from its deployed code (docs/CEREMONY.md)
  -h, --help            this text

Example:
  npm run -s verify < out/proof.json
`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

/** Whether the command line asks for help (`-h` or `--help` anywhere among the command's own options). */
export function helpRequested(args: readonly string[] = process.argv.slice(2)): boolean {
  return args.includes("--help") || args.includes("-h");
}
