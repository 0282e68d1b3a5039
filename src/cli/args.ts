/** Command-line options of the entry points; a bad option is exit 3, naming it. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { LoraLedgerError } from "../protocol/index.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--step -1` as `--step=-1`: node's parseArgs refuses a string option's value that starts with a
 * dash ("argument is ambiguous"); a negative number is a value, whose range the command checks.
 */
export function joinNegativeValues(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === "string" && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseCliArgs<O extends Options>(command: string, options: O) {
  try {
    return parseArgs({
      args: joinNegativeValues(process.argv.slice(2), options),
      options,
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LoraLedgerError(
      "missing_field",
      `${command}: ${message} (\`npm run -s ${command} -- --help\` lists the options)`,
      "arguments",
    );
  }
}
