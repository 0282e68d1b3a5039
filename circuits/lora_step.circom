pragma circom 2.1.0;

// TRANSITIONAL forwarding file, not part of the circuit tree: test/circuits/agreement.fuzz.test.ts (owned by
// another engineer) still compiles LoraStep from this old path. Delete it once that test reads
// TEMPLATES.LoraStep.file (circuits/instances.json).
include "./step/lora_step.circom";
