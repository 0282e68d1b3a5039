export * from "./build/circuits.js";
export * from "./build/ptau.js";
export * from "./build/keys.js";
export * from "./files.js";
export * from "./instances.js";
export * from "./progress.js";
export * from "./prover.js";
export * from "./ceremony.js";
