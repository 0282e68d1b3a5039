/** The repository files the document names, relative to the repository root, in one place so they follow the layout. */
export const CIRCUIT_SOURCES = {
  LoraStep: "circuits/step/lora_step.circom",
  FullStep: "circuits/baseline/full_step.circom",
  LoraMerge: "circuits/merge/lora_merge.circom",
  LoraMergeFreivalds: "circuits/merge/lora_merge_freivalds.circom",
  LoraCheckpoint: "circuits/step/lora_checkpoint.circom",
  BaseProjectionBlock: "circuits/base/base_projection.circom",
} as const;
