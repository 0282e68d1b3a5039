// A run's adapter as the files Hugging Face PEFT loads, and back (docs/RUNNING.md "Adapter files"):
//   npm run adapter -- export --from runs/…/run-<id>/adapter.json --out DIR [--alpha A]
//       writes DIR/adapter_config.json and DIR/adapter_model.safetensors (float32, entry / 2^F exactly),
//       and DIR/merged_model.safetensors (float64, exact) when merged.json is beside adapter.json
//   npm run adapter -- import DIR|FILE.safetensors [--instance NAME]
//       reads the pair back into the protocol's fixed point (refusing, by tensor and index, a value that
//       is not k / 2^F in range) and prints its commitment; ask the registry about it with
//       LORA_ADAPTER_FILE=DIR npx hardhat run scripts/query.ts --network <the network>
// Exit codes as the other commands (docs/COMMANDS.md): 12 usage, 2 a malformed file, 3 a missing tensor or
// field, 4 a wrong shape, 5 a value not exact in the fixed point or out of its range.
import { parseArgs } from "node:util";
import { checkpointShapeOf, LoraLedgerError, toHex32 } from "../src/protocol/index.js";
import { toFailure } from "../src/cli/index.js";
import { getInstance } from "../src/node/index.js";
import { exportPeft, importPeft, peftInstance, peftTensorsFile } from "../src/training/index.js";

const USAGE =
  "usage: npm run adapter -- export --from <run>/adapter.json --out DIR [--alpha A]\n       npm run adapter -- import DIR|FILE.safetensors [--instance NAME]";

try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: "string" },
      out: { type: "string" },
      alpha: { type: "string" },
      instance: { type: "string" },
    },
  });
  const [command, target] = positionals;
  if (command === "export") {
    if (values.from === undefined || values.out === undefined) throw new LoraLedgerError("usage", USAGE);
    const alpha = values.alpha === undefined ? undefined : Number(values.alpha);
    const written = exportPeft(values.from, values.out, alpha === undefined ? {} : { alpha });
    console.log(`adapter ${toHex32(written.commitment)} written as PEFT files:`);
    for (const file of [written.config, written.adapter, written.merged])
      if (file !== undefined) console.log(`  ${file}`);
  } else if (command === "import") {
    if (target === undefined) throw new LoraLedgerError("usage", USAGE);
    const name = values.instance ?? peftInstance(target);
    if (name === undefined) {
      throw new LoraLedgerError(
        "usage",
        `${peftTensorsFile(target)} names no lora-ledger instance: give --instance NAME`,
        "instance",
      );
    }
    const instance = getInstance(name);
    const { a, b, commitment } = importPeft(target, checkpointShapeOf(instance));
    console.log(
      `${peftTensorsFile(target)}: A ${a.length}x${a[0]?.length ?? 0}, B ${b.length}x${b[0]?.length ?? 0}, every value exact in fixed point (instance ${instance.name})`,
    );
    console.log(`commitment ${toHex32(commitment)}`);
    console.log(
      `Ask the registry: LORA_ADAPTER_FILE=${target} npx hardhat run scripts/query.ts --network <the network>`,
    );
  } else {
    throw new LoraLedgerError("usage", USAGE);
  }
} catch (error) {
  const failure = toFailure(error);
  process.stderr.write(`adapter failed: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
