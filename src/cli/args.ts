/** Command-line options of the entry points; a bad option is exit 3, naming it. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { LoraLedgerError } from "../protocol/index.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCliArgs<O extends Options>(command: string, options: O) {
  try {
    return parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LoraLedgerError("missing_field", `${command}: ${message}`, "arguments");
  }
}
