import assert from "node:assert/strict";
import { test } from "node:test";
import { pack } from "tar-stream";
import { isC8sError } from "../../../src/errors/index.ts";
import {
  normalizeEntryPath,
  normalizeSandboxPath,
  TarSlipChecker,
  validateTarBuffer,
} from "../../../src/runtimes/files/index.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isC8sError(error) ? error.code : "not-a-C8sError";
  }
  return undefined;
}

void test("normalizeSandboxPath resolves relative paths and keeps inner '..'", () => {
  const table: Array<[string, string]> = [
    ["a.txt", "/workspace/a.txt"],
    ["./a/./b/", "/workspace/a/b"],
    ["src/../README", "/workspace/README"],
    ["/workspace", "/workspace"],
    [".", "/workspace"],
    ["/tmp/x//y", "/tmp/x/y"],
    ["/tmp", "/tmp"],
  ];
  for (const [input, want] of table) assert.equal(normalizeSandboxPath("/workspace", input), want, input);
});

void test("normalizeSandboxPath rejects escapes with PATH_OUTSIDE_SANDBOX", () => {
  for (const input of [
    "..",
    "../x",
    "a/../../x",
    "/etc/passwd",
    "/",
    "/workspacex/a",
    "/tmp/../etc",
    "/../../..",
    "/tmpfoo",
    "a\0b",
  ]) {
    assert.equal(
      code(() => normalizeSandboxPath("/workspace", input)),
      "PATH_OUTSIDE_SANDBOX",
      input,
    );
  }
  assert.equal(
    code(() => normalizeSandboxPath("/workspace", "")),
    "INVALID_ARGUMENT",
  );
});

void test("normalizeSandboxPath refuses a name over 255 bytes (ENAMETOOLONG) as INVALID_ARGUMENT", () => {
  assert.equal(normalizeSandboxPath("/workspace", `d/${"a".repeat(255)}`), `/workspace/d/${"a".repeat(255)}`);
  assert.equal(
    code(() => normalizeSandboxPath("/workspace", `d/${"a".repeat(256)}`)),
    "INVALID_ARGUMENT",
  );
  assert.equal(
    code(() => normalizeSandboxPath("/workspace", "é".repeat(128))),
    "INVALID_ARGUMENT",
  );
});

void test("normalizeEntryPath", () => {
  assert.equal(normalizeEntryPath("./a/b/"), "a/b");
  assert.equal(normalizeEntryPath("a/../b"), "b");
  assert.equal(normalizeEntryPath("../a"), null);
  assert.equal(normalizeEntryPath("/a"), null);
});

void test("TarSlipChecker accepts ordinary archives", () => {
  const c = new TarSlipChecker();
  c.check({ name: "./", type: "directory" });
  c.check({ name: "./src/", type: "directory" });
  c.check({ name: "./src/a.ts", type: "file" });
  c.check({ name: "./link", type: "symlink", linkname: "src/a.ts" });
  c.check({ name: "src/up", type: "symlink", linkname: "../link" });
  c.check({ name: "hard", type: "link", linkname: "src/a.ts" });
});

void test("TarSlipChecker rejects every slip", () => {
  const cases: Array<Array<{ name: string; type: string; linkname?: string }>> = [
    [{ name: "/etc/passwd", type: "file" }],
    [{ name: "../x", type: "file" }],
    [{ name: "a/../../x", type: "file" }],
    [{ name: "a/..", type: "directory" }],
    [{ name: "l", type: "symlink", linkname: "/etc" }],
    [{ name: "l", type: "symlink", linkname: "../.." }],
    [{ name: "d/l", type: "symlink", linkname: "../../x" }],
    [{ name: "h", type: "link", linkname: "../etc/passwd" }],
    [{ name: "h", type: "link", linkname: "/etc/passwd" }],
    [
      { name: "l", type: "symlink", linkname: "sub" },
      { name: "l/f", type: "file" },
    ],
    [
      { name: "l", type: "symlink", linkname: "sub" },
      { name: "l", type: "file" },
    ],
  ];
  for (const entries of cases) {
    const c = new TarSlipChecker();
    const got = code(() => entries.forEach((e) => c.check(e)));
    assert.equal(got, "PATH_OUTSIDE_SANDBOX", JSON.stringify(entries));
  }
  assert.equal(
    code(() => new TarSlipChecker().check({ name: "dev", type: "character-device" })),
    "TAR_INVALID",
  );
});

async function tarOf(entries: Array<{ name: string; type?: "file" | "symlink"; linkname?: string }>): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    if (e.type === "symlink") p.entry({ name: e.name, type: "symlink", linkname: e.linkname });
    else p.entry({ name: e.name, type: "file" }, "x");
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

void test("validateTarBuffer reads a real archive and rejects slip and garbage", async () => {
  await validateTarBuffer(await tarOf([{ name: "a" }, { name: "b/c" }]));
  await assert.rejects(validateTarBuffer(await tarOf([{ name: "a" }, { name: "../../b" }])), {
    code: "PATH_OUTSIDE_SANDBOX",
  });
  await assert.rejects(
    validateTarBuffer(await tarOf([{ name: "s", type: "symlink", linkname: "/" }, { name: "s/etc" }])),
    {
      code: "PATH_OUTSIDE_SANDBOX",
    },
  );
  await assert.rejects(validateTarBuffer(Buffer.from("this is not a tar archive".repeat(40))), { code: "TAR_INVALID" });
});
