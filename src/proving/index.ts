export * from "./artifacts.js";
export * from "./documents.js";
export * from "./jobs.js";
export * from "./pool.js";
export * from "./processes.js";
export * from "./redis.js";
