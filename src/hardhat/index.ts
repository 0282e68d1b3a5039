export * from "./deployment.js";
