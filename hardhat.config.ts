import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// Solidity compiler: the solcjs (WASM/emscripten) build shipped by the `solc`
// npm package, so compilation works offline (Hardhat's own solc download is not
// available here). Hardhat 3 accepts a custom compiler `path`: when the file at
// that path is not a native binary it is imported as a solcjs bundle.
// Bump SOLC_VERSION together with the `solc` devDependency in package.json.
const SOLC_VERSION = "0.8.28";

const require = createRequire(import.meta.url);
const solcPackage = require("solc/package.json") as { version: string };
if (solcPackage.version !== SOLC_VERSION) {
  throw new Error(
    `hardhat.config.ts expects solc ${SOLC_VERSION} but node_modules/solc is ${solcPackage.version}; ` +
      "keep SOLC_VERSION and the pinned `solc` devDependency in sync",
  );
}
const SOLCJS_PATH = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    version: SOLC_VERSION,
    path: SOLCJS_PATH,
    // The registry links poseidon-solidity's PoseidonT4: Hardhat builds an npm file's artifacts only when
    // it is listed here, and the Ignition module deploys the library from them.
    npmFilesToBuild: ["poseidon-solidity/PoseidonT4.sol"],
    settings: {
      optimizer: {
        enabled: true,
        runs: 200,
      },
    },
  },
  paths: {
    sources: "contracts",
    tests: {
      // hardhat-mocha loads every .ts/.js file under this folder (recursively);
      // it has no file-name pattern, so keep non-test helpers importable-only.
      mocha: "test",
    },
    // Hardhat Ignition modules live in deploy/ (deployments in deploy/deployments/).
    ignition: "deploy",
  },
  test: {
    mocha: {
      // Tests generate real Groth16 proofs: allow up to 20 minutes per test.
      timeout: 20 * 60 * 1000,
    },
  },
  networks: {
    // The in-process EDR network used by `hardhat test` (chain id 31337).
    default: {
      type: "edr-simulated",
    },
    // `npx hardhat node`; LORA_LOCALHOST_URL lets the end-to-end test use a port of its own.
    localhost: {
      type: "http",
      url: process.env.LORA_LOCALHOST_URL ?? "http://127.0.0.1:8545",
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    // Base Sepolia (chain id 84532), an OP Stack L2: the same Ignition module and scripts; a verified
    // checkpoint costs the same L2 gas as on L1 at a fraction of the price, plus an L1 data fee.
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("BASE_SEPOLIA_PRIVATE_KEY")],
    },
  },
  // Block-explorer verification (`ignition deploy --verify` or `hardhat verify`); the key is read
  // only when used, from the keystore or the environment, never from a file in the repo.
  verify: {
    etherscan: {
      apiKey: configVariable("ETHERSCAN_API_KEY"),
    },
  },
  // TypeChain: default output folder types/ethers-contracts (generated, gitignored).
});
