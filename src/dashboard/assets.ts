/**
 * The dashboard's static files, served by c8s itself (no CDN, works offline): htmx and
 * xterm.js from their npm packages, and the few files of `assets/`. Everything is read once
 * at start-up; URLs carry a hash of all of it (`/assets/<version>/<name>`), so a response can
 * be cached for a year and a new c8s version is fetched anew.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);
const own = (name: string) => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));

/** Every file the dashboard serves, by the name in its URL. */
const FILES: Record<string, { path: () => string; type: string }> = {
  "htmx.min.js": { path: () => require.resolve("htmx.org/dist/htmx.min.js"), type: "text/javascript" },
  "xterm.mjs": { path: () => require.resolve("@xterm/xterm/lib/xterm.mjs"), type: "text/javascript" },
  "xterm.css": { path: () => require.resolve("@xterm/xterm/css/xterm.css"), type: "text/css" },
  "addon-fit.mjs": { path: () => require.resolve("@xterm/addon-fit/lib/addon-fit.mjs"), type: "text/javascript" },
  "dashboard.css": { path: () => own("dashboard.css"), type: "text/css" },
  "dashboard.js": { path: () => own("dashboard.js"), type: "text/javascript" },
  "ansi.js": { path: () => own("ansi.js"), type: "text/javascript" },
  "terminal.js": { path: () => own("terminal.js"), type: "text/javascript" },
};
export type AssetName = keyof typeof FILES & string;

export interface Assets {
  /** The URL of one file, e.g. `/assets/3f9a…/htmx.min.js`. */
  url(name: AssetName): string;
}

export async function loadAssets(): Promise<{ assets: Assets; files: Map<string, { body: Buffer; type: string }> }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const hash = createHash("sha256");
  for (const [name, file] of Object.entries(FILES)) {
    const body = await readFile(file.path());
    hash.update(name).update(body);
    files.set(name, { body, type: `${file.type}; charset=utf-8` });
  }
  const version = hash.digest("hex").slice(0, 12);
  return {
    assets: { url: (name) => `/assets/${version}/${name}` },
    files: new Map([...files].map(([k, v]) => [`${version}/${k}`, v])),
  };
}

/** GET /assets/:version/:name — immutable for a year; an old version's URL is a 404. */
export function assetRoutes(app: FastifyInstance, files: Map<string, { body: Buffer; type: string }>): void {
  app.get("/assets/:version/:name", async (request, reply) => {
    const { version, name } = request.params as { version: string; name: string };
    const file = files.get(`${version}/${name}`);
    if (file === undefined)
      return reply
        .status(404)
        .type("text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .send("not found\n");
    return reply
      .type(file.type)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .send(file.body);
  });
}
