// The registry explorer: `npm run explorer` (vite dev server), `npm run explorer:build` (static build in
// build/explorer). LORA_EXPLORER_RPC sets the default JSON-RPC URL (else http://127.0.0.1:8545).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { ledgerDataPlugin } from "./ledgerDataPlugin.js";
import { DEFAULT_RPC } from "./src/ledgerData.js";

const explorerRoot = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.dirname(explorerRoot);

export default defineConfig({
  root: explorerRoot,
  base: "./",
  clearScreen: false,
  plugins: [ledgerDataPlugin({ projectRoot, defaultRpc: process.env.LORA_EXPLORER_RPC || DEFAULT_RPC })],
  server: { host: "127.0.0.1", port: 5173, fs: { allow: [projectRoot] } },
  preview: { host: "127.0.0.1", port: 4173 },
  build: {
    outDir: path.join(projectRoot, "build", "explorer"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
  },
  optimizeDeps: { esbuildOptions: { target: "es2022" } },
});
