// Layer rules for src/ (see ARCHITECTURE.md "Layers"): each layer imports only the layers
// below it, and no module takes part in an import cycle (type-only imports included).
// Order, bottom up: errors · runtimes, blobs · store · engine · config · pipelines, sessions · server · dashboard · cli · app.
import { createNodeResolver, importX } from "eslint-plugin-import-x";

const below = {
  errors: [],
  blobs: ["errors"],
  runtimes: ["errors"],
  store: ["errors", "runtimes"],
  engine: ["errors", "runtimes", "blobs", "store"],
  config: ["errors", "runtimes", "engine"],
  pipelines: ["errors", "runtimes", "blobs", "store", "engine", "config"],
  // Sessions (a workspace in the store, a disposable engine sandbox) sit beside pipelines.
  sessions: ["errors", "runtimes", "blobs", "store", "engine", "config"],
  server: ["errors", "runtimes", "blobs", "store", "engine", "config", "pipelines", "sessions"],
  // The dashboard's pages ask the API (in-process) for their data and reuse its auth.
  dashboard: ["errors", "runtimes", "blobs", "store", "engine", "config", "pipelines", "sessions", "server"],
};

/** Each layer and the layers it may import (the rest of src/ — cli/, app.ts, runtime-factory.ts — is the top). */
export const LAYERS = below;

/**
 * The rules for a tree rooted at `basePath` (the repository; a test passes a fixture tree):
 * one zone per layer — a file in it may not import anything of src/ outside itself and the
 * layers below — plus no import cycles (import-x skips type-only imports; the architecture
 * test checks those) and no relative imports into another package (the CLI uses `@c8s/sdk`).
 */
export function layerConfig(basePath) {
  const zones = Object.entries(below).map(([layer, allowed]) => ({
    target: `./src/${layer}`,
    from: "./src",
    except: [`./${layer}`, ...allowed.map((l) => `./${l}`)],
    message: `src/${layer} may import only ${allowed.length === 0 ? "itself" : `src/{${allowed.join(",")}}`} (the layers below it; see ARCHITECTURE.md).`,
  }));
  zones.push({
    target: "./packages/sdk/src",
    from: "./src",
    message: "The SDK stands alone: it never imports the server's code.",
  });
  return {
    files: ["src/**/*.ts", "packages/sdk/src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js"] })],
      // Without these import-x parses no .ts dependency, and no-cycle would see no cycle.
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath, zones }],
      "import-x/no-relative-packages": "error",
    },
  };
}
