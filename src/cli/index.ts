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
// A proving job (src/proving) proven as `prove` does: what `npm run worker` and the in-process pool run.
export { proveJob } from "./proveJob.js";
export { PROVE_CHILD_ENTRY } from "./proveChild.js";
export { parseCliArgs } from "./args.js";
