/**
 * A tiny Vite plugin that gives the page the project's data it cannot read itself: the deployments
 * Ignition recorded (deploy/deployments/chain-<id>/deployed_addresses.json), the circuit instances
 * (circuits/instances.json) and their verification keys (build/circuits/<name>/verification_key.json),
 * published only to be compared with the key decoded from each deployed verifier: the page verifies
 * with the deployed key, never with these (docs/CEREMONY.md §4).
 *
 * `vite` / `vite preview`: served by a middleware, read again on every request (a deployment made
 * while the explorer runs shows up on the next refresh). `vite build`: written into the build as a
 * snapshot (lora-data/ledger.json and lora-data/vk/<name>.json).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import path from "node:path";
import type { Connect, Plugin } from "vite";
import { parseInstancesFile } from "../src/protocol/index.js";
import {
  DEFAULT_RPC,
  LEDGER_DATA_URL,
  type ChainDeployment,
  type InstanceInfo,
  type LedgerData,
} from "./src/ledgerData.js";

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8")) as unknown;
}

function instancesOf(projectRoot: string): InstanceInfo[] {
  // Checked with the project's schema (src/protocol/instances.ts), as the build and the CLIs read it.
  const file = parseInstancesFile(readJson(path.join(projectRoot, "circuits", "instances.json")));
  return file.instances.map((instance) => ({
    name: instance.name,
    purpose: instance.purpose,
    template: instance.template,
    params: instance.params,
    verificationKey: existsSync(verificationKeyFile(projectRoot, instance.name)),
  }));
}

function verificationKeyFile(projectRoot: string, instance: string): string {
  return path.join(projectRoot, "build", "circuits", instance, "verification_key.json");
}

function deploymentsOf(projectRoot: string): Record<string, ChainDeployment> {
  const directory = path.join(projectRoot, "deploy", "deployments");
  const deployments: Record<string, ChainDeployment> = {};
  if (!existsSync(directory)) return deployments;
  for (const entry of readdirSync(directory)) {
    const match = /^chain-(\d+)$/.exec(entry);
    const file = path.join(directory, entry, "deployed_addresses.json");
    if (match?.[1] === undefined || !existsSync(file)) continue;
    try {
      deployments[match[1]] = {
        file: path.relative(projectRoot, file),
        addresses: readJson(file) as Record<string, string>,
      };
    } catch {
      // a record being written right now: it shows up on the next read
    }
  }
  return deployments;
}

export function ledgerData(projectRoot: string, defaultRpc: string): LedgerData {
  return {
    defaultRpc,
    deployments: deploymentsOf(projectRoot),
    instances: instancesOf(projectRoot),
    readAt: new Date().toISOString(),
  };
}

function send(response: ServerResponse, status: number, body: string): void {
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Cache-Control", "no-store");
  response.end(body);
}

export function ledgerDataPlugin(options: { projectRoot: string; defaultRpc?: string }): Plugin {
  const { projectRoot } = options;
  const defaultRpc = options.defaultRpc ?? DEFAULT_RPC;
  const middleware: Connect.NextHandleFunction = (request, response, next) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const at = url.pathname.indexOf("/lora-data/");
    if (at < 0) {
      next();
      return;
    }
    const route = url.pathname.slice(at + 1);
    try {
      if (route === LEDGER_DATA_URL) {
        send(response, 200, JSON.stringify(ledgerData(projectRoot, defaultRpc)));
        return;
      }
      const vk = /^lora-data\/vk\/([A-Za-z0-9_]+)\.json$/.exec(route);
      // Only the keys of declared instances: the name is never used as a path before that check.
      if (vk?.[1] !== undefined && instancesOf(projectRoot).some((instance) => instance.name === vk[1])) {
        const file = verificationKeyFile(projectRoot, vk[1]);
        if (existsSync(file)) {
          send(response, 200, readFileSync(file, "utf8"));
          return;
        }
        send(
          response,
          404,
          JSON.stringify({ error: `${path.relative(projectRoot, file)} is missing: run npm run build:circuits` }),
        );
        return;
      }
      send(response, 404, JSON.stringify({ error: `no such data: ${route}` }));
      return;
    } catch (error) {
      send(response, 500, JSON.stringify({ error: (error as Error).message }));
      return;
    }
  };
  return {
    name: "lora-ledger-data",
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    generateBundle() {
      const data = ledgerData(projectRoot, defaultRpc);
      this.emitFile({ type: "asset", fileName: LEDGER_DATA_URL, source: JSON.stringify(data, null, 2) });
      for (const instance of data.instances) {
        if (!instance.verificationKey) continue;
        this.emitFile({
          type: "asset",
          fileName: `lora-data/vk/${instance.name}.json`,
          source: readFileSync(verificationKeyFile(projectRoot, instance.name), "utf8"),
        });
      }
    },
  };
}
