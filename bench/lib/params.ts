/**
 * Trainable parameters of LoRA against full fine-tuning of one d_out × d_in linear layer:
 * full = d_out · d_in, LoRA = r · (d_in + d_out) (A is r × d_in, B is d_out × r).
 */
export interface ParameterRatio {
  dIn: number;
  dOut: number;
  rank: number;
  full: number;
  lora: number;
  /** full / lora: how many times fewer parameters LoRA trains */
  ratio: number;
}

export function parameterRatio(dIn: number, dOut: number, rank: number): ParameterRatio {
  const full = dOut * dIn;
  const lora = rank * (dIn + dOut);
  return { dIn, dOut, rank, full, lora, ratio: full / lora };
}

/** Square layers (d_in = d_out = d) of common transformer widths, and common ranks. */
export const RATIO_GRID_WIDTHS = [768, 1024, 1536, 2048, 3072, 4096] as const;
export const RATIO_GRID_RANKS = [4, 8, 16, 32, 64] as const;

export function parameterRatioGrid(): ParameterRatio[] {
  return RATIO_GRID_WIDTHS.flatMap((d) => RATIO_GRID_RANKS.map((r) => parameterRatio(d, d, r)));
}

/** The grid points whose ratio is exactly `target` (the prototype's claim was "24-96x"). */
export function gridPointsWithRatio(target: number): ParameterRatio[] {
  return parameterRatioGrid().filter((point) => point.ratio === target);
}
