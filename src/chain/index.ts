export * from "./queries.js";
export * from "./registry.js";
export * from "./verifierKeys.js";
