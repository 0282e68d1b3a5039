// Lint the TypeScript the project owns with typescript-eslint's strict, type-checked rules, and keep
// the library's layers a strict stack (docs/ARCHITECTURE.md): each folder imports only the layers
// below it, and another layer only through its index.js.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const LAYERS = ["protocol", "node", "chain", "proving", "hardhat", "training", "cli"];

/** A relative import of any file in one of `layers`. */
const anyOf = (layers) => `^(\\.\\./)+(src/)?(${layers.join("|")})/`;

/**
 * The import rule of one folder: `may` lists the layers it may use (through their index.js only);
 * `browser` forbids Node's built-ins and the Node-only packages, so the folder runs in a browser as is.
 */
function layer(files, { may, own, browser = false }) {
  const forbidden = LAYERS.filter((name) => !may.includes(name) && name !== own);
  const patterns = [
    {
      regex: `${anyOf(LAYERS.filter((name) => name !== own))}(?!index\\.js$)`,
      message: "Import another layer through its index.js (docs/ARCHITECTURE.md).",
    },
  ];
  if (forbidden.length > 0) {
    patterns.push({
      regex: anyOf(forbidden),
      message:
        may.length > 0
          ? `This layer may import only ${may.join(", ")} (docs/ARCHITECTURE.md).`
          : "This layer imports no other layer (docs/ARCHITECTURE.md).",
    });
  }
  if (browser) {
    patterns.push({
      regex: "^(node:|snarkjs$|hardhat|@nomicfoundation/|fs$|path$|child_process$)",
      message: "This layer is browser-safe: no Node built-ins, snarkjs (values), Hardhat or Ignition here.",
      allowTypeImports: true,
    });
  }
  return { files, rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] } };
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      "artifacts/",
      "cache/",
      "types/",
      "coverage/",
      "explorer/dist/",
      "deploy/deployments/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "error",
      // `() => doSomething()` that returns void is the idiom of callbacks and chai's expect(() => …).
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // Template literals with numbers and bigints are how this project prints values.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    },
  },
  layer(["src/protocol/**/*.ts"], { own: "protocol", may: [], browser: true }),
  layer(["src/node/**/*.ts"], { own: "node", may: ["protocol"] }),
  layer(["src/chain/**/*.ts"], { own: "chain", may: ["protocol"], browser: true }),
  layer(["src/proving/**/*.ts"], { own: "proving", may: ["protocol", "node"] }),
  layer(["src/hardhat/**/*.ts"], { own: "hardhat", may: ["protocol", "node", "chain"] }),
  layer(["src/training/**/*.ts"], { own: "training", may: ["protocol", "node", "chain", "proving"] }),
  layer(["src/cli/**/*.ts"], { own: "cli", may: ["protocol", "node", "chain", "proving", "hardhat", "training"] }),
  layer(["explorer/**/*.ts"], { own: "explorer", may: ["protocol", "chain"] }),
  layer(["deploy/**/*.ts"], { own: "deploy", may: ["protocol", "node", "chain"] }),
  layer(["scripts/**/*.ts", "bench/**/*.ts", "test/**/*.ts"], { own: "top", may: LAYERS }),
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
