import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { withSimulatedWorkdir } from "../../../src/runtimes/kubernetes/manifests.ts";
import { mapFilePaths, toNodePath, toSandboxPath } from "../../../src/runtimes/kubernetes/simulated-paths.ts";
import { defaultSpec } from "../../../src/runtimes/conformance/helpers.ts";
import type { SandboxFiles, SandboxHandle } from "../../../src/runtimes/types.ts";

const mapping = { from: "/workspace", to: "/var/tmp/kwok/sbx_1/workspace" };

void describe("KWOK workdir mapping", () => {
  void it("moves the spec's workdir under the per-sandbox root; no root, no change", () => {
    const spec = defaultSpec({ id: "sbx_1", workdir: "/workspace" });
    assert.equal(withSimulatedWorkdir(spec, "/var/tmp/kwok/").workdir, "/var/tmp/kwok/sbx_1/workspace");
    assert.equal(withSimulatedWorkdir(spec, undefined), spec);
  });

  const cases: Array<[string, string]> = [
    ["/workspace", "/var/tmp/kwok/sbx_1/workspace"],
    ["/workspace/a/b.txt", "/var/tmp/kwok/sbx_1/workspace/a/b.txt"],
    ["/workspacex/a", "/workspacex/a"],
    ["/tmp/x", "/tmp/x"],
    ["relative/x", "relative/x"],
  ];
  for (const [sandbox, node] of cases) {
    void it(`${sandbox} ↔ ${node}`, () => {
      assert.equal(toNodePath(mapping, sandbox), node);
      if (sandbox.startsWith("/workspace/") || sandbox === "/workspace")
        assert.equal(toSandboxPath(mapping, node), sandbox);
      assert.equal(toNodePath(undefined, sandbox), sandbox);
    });
  }

  void it("maps paths in and entries out, and a mapping that throws becomes a rejection", async () => {
    const seen: string[] = [];
    const fakeFiles = {
      list: async (_h: SandboxHandle, path: string) => {
        seen.push(path);
        return [{ path: `${path}/f`, name: "f", type: "file" as const, size: 1, mode: 0o644, modifiedAt: "" }];
      },
    } as unknown as SandboxFiles;
    const handle: SandboxHandle = { id: "sbx_1", runtime: "kubernetes", ref: {} };
    const mapped = mapFilePaths(fakeFiles, () => mapping);
    const entries = await mapped.list(handle, "/workspace/d");
    assert.deepEqual(seen, ["/var/tmp/kwok/sbx_1/workspace/d"]);
    assert.equal(entries[0]?.path, "/workspace/d/f");
    const gone = mapFilePaths(fakeFiles, () => {
      throw new C8sError("SANDBOX_NOT_FOUND", "gone");
    });
    const pending = gone.read(handle, "x");
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending, (e: unknown) => e instanceof C8sError && e.code === "SANDBOX_NOT_FOUND");
  });
});
