export * from "./queries.js";
export * from "./queriesV1.js";
export * from "./registry.js";
