export * from "./config.js";
export * from "./digits.js";
export * from "./instances.js";
export * from "./peft.js";
export * from "./report.js";
export * from "./session.js";
export * from "./takeHome.js";
export * from "./task.js";
