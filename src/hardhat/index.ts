export * from "./deployment.js";
export * from "./connect.js";
export * from "./checkDeployment.js";
