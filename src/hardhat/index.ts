export * from "./deployment.js";
export * from "./checkDeployment.js";
