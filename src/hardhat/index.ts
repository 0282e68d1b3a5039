export * from "./deployment.js";
export * from "./connect.js";
