export * from "./exitCodes.js";
