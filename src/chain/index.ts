export * from "./queries.js";
export * from "./registry.js";
