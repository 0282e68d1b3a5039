/** The repository files the document names, relative to the repository root, in one place so they follow the layout. */
export const CIRCUIT_SOURCES = {
  LoraStep: "circuits/lora_step.circom",
  FullStep: "circuits/full_step.circom",
  LoraMerge: "circuits/lora_merge.circom",
  LoraMergeFreivalds: "circuits/lora_merge_freivalds.circom",
} as const;
