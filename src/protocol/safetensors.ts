/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the
 * tensors' raw little-endian bytes, offsets relative to the end of the header. Only F32 and F64 here:
 * what adapters and merged weights need. Browser-safe (Uint8Array and DataView only).
 */

import { LoraLedgerError } from "./errors.js";

export type SafetensorsDtype = "F32" | "F64";

export interface Tensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** row-major values */
  readonly values: readonly number[];
}

export interface SafetensorsFile {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly metadata: Readonly<Record<string, string>>;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8 };

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/** Encodes tensors (in the order given) and string metadata; the header is padded with spaces to 8 bytes. */
export function encodeSafetensors(file: SafetensorsFile): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(file.metadata).length > 0) header.__metadata__ = file.metadata;
  let offset = 0;
  for (const [name, tensor] of Object.entries(file.tensors)) {
    if (tensor.values.length !== elementCount(tensor.shape)) {
      throw new LoraLedgerError(
        "wrong_shape",
        `tensor ${name}: ${tensor.values.length} values for shape [${tensor.shape.join(", ")}]`,
        name,
      );
    }
    const size = tensor.values.length * BYTES[tensor.dtype];
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let headerText = JSON.stringify(header);
  // The format recommends a header length that keeps the data 8-byte aligned.
  headerText += " ".repeat((8 - (new TextEncoder().encode(headerText).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of Object.values(file.tensors)) {
    for (const value of tensor.values) {
      if (tensor.dtype === "F32") view.setFloat32(position, value, true);
      else view.setFloat64(position, value, true);
      position += BYTES[tensor.dtype];
    }
  }
  return bytes;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Decodes a safetensors file, checking the header against the bytes; names `source` in every error. */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors file"): SafetensorsFile {
  const fail = (message: string): never => {
    throw new LoraLedgerError("malformed_json", `${source}: ${message}`, "safetensors");
  };
  if (bytes.length < 8) fail("shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) fail(`header length ${headerLength} exceeds the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    return fail(`header is not JSON: ${(error as Error).message}`);
  }
  const dataStart = 8 + headerLength;
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = raw as Record<string, string>;
      continue;
    }
    const entry = raw as HeaderEntry;
    if (entry.dtype !== "F32" && entry.dtype !== "F64")
      fail(`tensor ${name} has dtype ${entry.dtype}; F32 or F64 expected`);
    const dtype = entry.dtype as SafetensorsDtype;
    const [begin, end] = entry.data_offsets;
    const count = elementCount(entry.shape);
    if (end - begin !== count * BYTES[dtype] || dataStart + end > bytes.length) {
      fail(`tensor ${name}: data_offsets [${begin}, ${end}] do not hold shape [${entry.shape.join(", ")}] of ${dtype}`);
    }
    const values = Array.from({ length: count }, (_, index) => {
      const at = dataStart + begin + index * BYTES[dtype];
      return dtype === "F32" ? view.getFloat32(at, true) : view.getFloat64(at, true);
    });
    tensors[name] = { dtype, shape: entry.shape, values };
  }
  return { tensors, metadata };
}
