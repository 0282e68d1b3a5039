/**
 * A dataset card: what a registrant says a registered dataset is (name, licence, size, source), kept
 * on-chain as the dataset's uri in a `data:application/json;base64,` URI (the convention of ERC-721
 * token metadata), so that every reader of the registry has it without a server. The card is the
 * registrant's word: only `examples` can be checked, against the registered size the proofs use.
 * Browser-safe: the explorer reads cards with it.
 */
import { z } from "zod";

/** The card format's name and version; a reader refuses another. */
export const DATASET_CARD_SCHEMA = "lora-ledger/dataset-card@1";

const cardSchema = z.object({
  schema: z.literal(DATASET_CARD_SCHEMA),
  /** what people call the data */
  name: z.string().min(1).max(200),
  /** an SPDX licence identifier (CC-BY-4.0, CC0-1.0, …) */
  license: z.string().min(1).max(100),
  /** the number of examples of the registered tree: equals the registered size when the card is right */
  examples: z.number().int().positive(),
  description: z.string().max(1000).optional(),
  /** where the original data is (a URL) */
  source: z.string().max(500).optional(),
  citation: z.string().max(500).optional(),
  /** sha256 (hex) of the file the examples are made from, for whoever wants to rebuild them */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits")
    .optional(),
});

export type DatasetCard = z.infer<typeof cardSchema>;

/** What a dataset's uri says, read without fetching anything. */
export type DatasetUriReading =
  | { kind: "none" }
  /** a uri that is not a data: URI (https://, ipfs://, …): shown as the registrant's link, not fetched */
  | { kind: "link"; uri: string }
  | { kind: "card"; card: DatasetCard }
  /** a data: URI that is not a valid card, with why */
  | { kind: "invalid"; reason: string };

const DATA_URI_PREFIX = "data:application/json;base64,";

function toBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(encoded: string): string {
  const binary = atob(encoded);
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** A card checked against the schema (throws naming the field and the rule). */
export function parseDatasetCard(value: unknown): DatasetCard {
  const parsed = cardSchema.safeParse(value);
  if (!parsed.success) throw new Error(`not a ${DATASET_CARD_SCHEMA} card: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The card as the uri a dataset is registered with (compact JSON, base64: what registerDataset stores). */
export function datasetCardUri(card: Omit<DatasetCard, "schema">): string {
  const checked = parseDatasetCard({ schema: DATASET_CARD_SCHEMA, ...card });
  return DATA_URI_PREFIX + toBase64(JSON.stringify(checked));
}

/**
 * What a registered uri says: nothing, a link, a card, or a data: URI that is not a valid card. Reads
 * `data:application/json[;charset=…][;base64],…`; fetches nothing.
 */
export function readDatasetUri(uri: string): DatasetUriReading {
  if (uri === "") return { kind: "none" };
  const match = /^data:application\/json((?:;[a-z0-9-]+=[^;,]*)*)(;base64)?,(.*)$/is.exec(uri);
  if (match === null) return { kind: "link", uri };
  let json: string;
  try {
    json = match[2] === undefined ? decodeURIComponent(match[3] ?? "") : fromBase64(match[3] ?? "");
  } catch (error) {
    return { kind: "invalid", reason: `the data: URI does not decode (${(error as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { kind: "invalid", reason: `the data: URI is not JSON (${(error as Error).message})` };
  }
  try {
    return { kind: "card", card: parseDatasetCard(value) };
  } catch (error) {
    return { kind: "invalid", reason: (error as Error).message };
  }
}

/**
 * A dataset's uri in one line for people: a card as "name (licence)", a link as itself, an invalid card as
 * such, "" for none; never a card's raw base64. With `registered` (the query's answers) it also says the
 * card is the registrant's word, warns when its size is not the registered one and gives an invalid
 * card's reason.
 */
export function datasetUriSummary(uri: string, registered?: { size: bigint }): string {
  const reading = readDatasetUri(uri);
  switch (reading.kind) {
    case "none":
      return "";
    case "link":
      return reading.uri;
    case "invalid":
      return registered === undefined
        ? "invalid dataset card"
        : `invalid dataset card: ${reading.reason.replaceAll("\n", " ")}`;
    case "card": {
      const { name, license, examples } = reading.card;
      if (registered === undefined) return `${name} (${license})`;
      const size =
        BigInt(examples) === registered.size
          ? ""
          : `; WARNING: the card says ${examples} examples, the registered size is ${registered.size}`;
      return `${name} (${license}; the registrant's card${size})`;
    }
  }
}
