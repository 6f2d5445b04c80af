/**
 * One API contract: the SDK's types are generated from the /openapi.json a real server serves
 * (routes declared once, zod schemas feeding the document). Fails when the committed
 * `packages/sdk/src/api.gen.ts` drifts from the document; `npm run gen:sdk` regenerates it.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { startTestServer } from "../../fixtures/server.ts";
import { GENERATED_SDK_TYPES, renderSdkTypes } from "../../fixtures/sdk-types.ts";

void test("packages/sdk/src/api.gen.ts is what /openapi.json generates (npm run gen:sdk)", async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const res = await server.api("GET", "/openapi.json", { token: null });
  assert.equal(res.statusCode, 200);
  const generated = await renderSdkTypes(res.json() as Record<string, unknown>);
  if (process.env["C8S_UPDATE_GENERATED"] === "1") await writeFile(GENERATED_SDK_TYPES, generated);
  const committed = await readFile(GENERATED_SDK_TYPES, "utf8").catch(() => "");
  assert.ok(
    committed === generated,
    "the SDK's API types drifted from /openapi.json: run `npm run gen:sdk` and commit",
  );
});
