/**
 * Provenance search: a pasted commitment (looked up as an adapter and as a merged root) or an adapter
 * file (its commitments computed in this browser), asked of the registry; the answers go under the form.
 */
import { adapterProvenance, mergeProvenance } from "../../../src/chain/index.js";
import type { Encoding } from "../adapterFile.js";
import { adapterRecordedIn, mergeRecordedIn, type Connection } from "../chain.js";
import { AdapterFileError, parseCommitment } from "../commitment.js";
import { ActionableError } from "../errors.js";
import type { InstanceInfo } from "../ledgerData.js";
import { isCurrent, state } from "../state.js";
import { h, milliseconds, replace } from "../ui/dom.js";
import { page } from "../ui/page.js";
import { errorBox, loading, plural } from "../ui/parts.js";
import { answerCards, failedCard, type Answer, type SearchCandidate } from "./provenance.js";
import type { Actions } from "./shared.js";

/** The instances a file's adapter can be read with (the file's own "instance" wins). */
export function fillInstanceSelect(instances: readonly InstanceInfo[]): void {
  const current = page.instanceSelect.value;
  // Runs are proven with checkpoint circuits; the other templates of a run share their shapes.
  const checkpoints = instances.filter((instance) => instance.template === "LoraCheckpoint");
  replace(
    page.instanceSelect,
    (checkpoints.length > 0 ? checkpoints : instances).map((instance) => {
      const { dIn, dOut, rank } = instance.params;
      return h("option", { value: instance.name }, `${instance.name} (A ${rank}×${dIn}, B ${dOut}×${rank})`);
    }),
  );
  if (instances.some((instance) => instance.name === current)) page.instanceSelect.value = current;
}

/** The search form: the pasted value, parsed as a field element. */
export function searchCommitment(actions: Actions): void {
  const text = page.searchInput.value;
  if (text.trim() === "") {
    replace(
      page.provenance,
      errorBox(
        new ActionableError(
          "Nothing to look up",
          "Paste an adapter commitment or a merged root (0x-hex or decimal), or drop an adapter file.",
        ),
      ),
    );
    return;
  }
  try {
    const commitment = parseCommitment(text);
    void lookUp(
      actions,
      [
        {
          label: "Commitment",
          source: "pasted: looked up as an adapter and as a merged root",
          commitment,
          mergedRootToo: true,
        },
      ],
      null,
    );
  } catch (error) {
    replace(page.provenance, errorBox(error, "Not a commitment"));
  }
}

/**
 * Dropped or chosen files: one JSON adapter file, or a PEFT pair (adapter_model.safetensors with or without
 * adapter_config.json); read, the commitments computed in this browser, then looked up.
 */
export async function searchFiles(actions: Actions, files: readonly File[]): Promise<void> {
  const instances = state.data?.instances;
  const [first] = files;
  if (instances === undefined || first === undefined) return;
  const names = files.map((file) => file.name).join(" + ");
  const { isPeftDrop } = await import("../adapterFile.js");
  const peft = isPeftDrop(files);
  if (!peft && files.length > 1) {
    replace(
      page.provenance,
      errorBox(
        new AdapterFileError(
          `${names}: drop one adapter file, or a PEFT pair (adapter_model.safetensors and adapter_config.json)`,
        ),
        "One adapter at a time",
      ),
    );
    return;
  }
  let contents: { name: string; bytes: Uint8Array }[];
  try {
    contents = await Promise.all(
      files.map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
    );
  } catch (error) {
    replace(page.provenance, errorBox(error, `Cannot read ${names}`));
    return;
  }
  try {
    // The commitment code (Poseidon's constants) loads on the first file.
    const { parseAdapterFile, parsePeftFiles } = await import("../adapterFile.js");
    const parsed = peft
      ? parsePeftFiles(contents, instances, page.instanceSelect.value)
      : parseAdapterFile(
          new TextDecoder().decode(contents[0]?.bytes),
          instances,
          page.instanceSelect.value,
          page.encodingSelect.value as Encoding,
        );
    const how =
      parsed.format === "peft"
        ? "PEFT tensors read back to the protocol's integers"
        : `encoding "${parsed.encoding}" (${parsed.encodingSource === "file" ? "from the file" : "chosen here"})`;
    const intro = h(
      "p",
      { class: "muted file-note" },
      h("strong", {}, names),
      `: instance ${parsed.instance} (${parsed.instanceSource === "file" ? "from the file" : "chosen here"}), ${how}; `,
      `${plural(parsed.candidates.length, "commitment")} computed in this browser in ${milliseconds(parsed.milliseconds)}.`,
    );
    await lookUp(actions, parsed.candidates, intro);
  } catch (error) {
    replace(
      page.provenance,
      errorBox(
        error,
        error instanceof AdapterFileError || error instanceof RangeError
          ? `${names} ${files.length > 1 ? "are" : "is"} not a usable adapter`
          : `Cannot use ${names}`,
      ),
    );
  }
}

/** Every candidate asked of the registry at once; the answers replace the results (unless the page reconnected meanwhile). */
async function lookUp(actions: Actions, candidates: SearchCandidate[], intro: HTMLElement | null): Promise<void> {
  const connection = state.connection;
  if (connection === undefined) {
    replace(
      page.provenance,
      errorBox(
        new ActionableError(
          "Not connected",
          "The page is not connected to a registry.",
          "Fix the connection above first.",
        ),
      ),
    );
    return;
  }
  const generation = state.generation;
  const asked = candidates.some((candidate) => candidate.mergedRootToo === true)
    ? "provenanceOf, lineageOf, mergedAdapterOf"
    : "provenanceOf, lineageOf";
  replace(page.provenance, intro, loading(`Asking the registry (${asked})…`));
  const cards = await Promise.all(
    candidates.map(async (candidate) => {
      try {
        return answerCards(actions, await ask(connection, candidate));
      } catch (error) {
        return [failedCard(candidate, error)];
      }
    }),
  );
  if (!isCurrent(generation)) return;
  replace(page.provenance, intro, cards.flat());
}

/**
 * provenanceOf and lineageOf (and mergedAdapterOf for a pasted value), with the block and transaction
 * that recorded each; a merged root's adapter is asked too, for its lineage and verifier.
 */
async function ask(connection: Connection, candidate: SearchCandidate): Promise<Answer> {
  const { registry } = connection;
  const [provenance, merged] = await Promise.all([
    adapterProvenance(registry, candidate.commitment),
    candidate.mergedRootToo === true ? mergeProvenance(registry, candidate.commitment) : undefined,
  ]);
  const answer: Answer = { candidate };
  if (provenance.verified) {
    const { runId, steps } = provenance;
    const recorded = await adapterRecordedIn(connection, runId, steps, candidate.commitment);
    answer.provenance = { found: provenance, recorded };
  }
  if (merged?.verified === true) {
    const [recorded, adapter] = await Promise.all([
      mergeRecordedIn(connection, merged.runId, merged.adapter, merged.mergedRoot),
      adapterProvenance(registry, merged.adapter),
    ]);
    answer.merged = { found: merged, recorded, adapter: adapter.verified ? adapter : undefined };
  }
  return answer;
}
