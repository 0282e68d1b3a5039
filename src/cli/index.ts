export * from "./exitCodes.js";
// The commands' functions, for programs (and tests) that run them without a process.
export {
  proveDocument,
  prepareCheckpoint,
  prepareMergeBlock,
  prepareProjectionBlock,
  prepareRunStart,
} from "./commands/prove/index.js";
export { verifyDocument } from "./commands/verify.js";
export { exampleDocument, exampleMergeDocument } from "./commands/example.js";
export { exampleRunDocument } from "./commands/exampleRun.js";
