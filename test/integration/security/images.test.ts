/**
 * Issue 10, "root filesystems are registered, not named": on the local runtime a request's
 * `image` is a name the installation admin registered (`c8s image add NAME PATH`), never a
 * host path — before, any token could mount any host directory (e.g. `/`, `/root`) as its
 * sandbox's root. Errors name what was sent and the registered names, never a host path.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { c8sBin, cleanEnv } from "../../fixtures/cli-server.ts";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";

let t: TestServer;
let rootfs: string;

/** A tiny root filesystem: static busybox as sh, cat and echo (`c8s image add` adds the mount points). */
async function makeRootfs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "c8s-rootfs-"));
  for (const sub of ["bin", "etc"]) await mkdir(join(dir, sub), { recursive: true });
  await copyFile("/usr/bin/busybox", join(dir, "bin/busybox"));
  await chmod(join(dir, "bin/busybox"), 0o755);
  for (const tool of ["sh", "cat", "echo", "ls"]) await symlink("busybox", join(dir, "bin", tool));
  await import("node:fs/promises").then((fs) => fs.writeFile(join(dir, "etc/c8s-image"), "busybox-rootfs\n"));
  await chmod(dir, 0o755);
  return dir;
}

before(async () => {
  rootfs = await makeRootfs();
  t = await startTestServer();
  await promisify(execFile)(process.execPath, [c8sBin, "image", "add", "busybox", rootfs], {
    env: cleanEnv({ C8S_HOME: t.home }),
  });
});
after(async () => {
  await t?.close();
  await rm(rootfs, { recursive: true, force: true });
});

void describe("local images are registered names (security)", { timeout: 120_000 }, () => {
  const refused = ["/", "/root", "/etc", "/nonexistent/rootfs", "../../", "busybox-not-registered", "0"];
  for (const image of refused) {
    void it(`image '${image}' is refused with IMAGE_NOT_FOUND, naming no host path`, async () => {
      const res = await t.api("POST", "/v1/sandboxes", { body: { image } });
      assert.equal(res.statusCode, 404, res.body);
      const body = res.json() as { error: { code: string; details: { registered: string[] } } };
      assert.equal(body.error.code, "IMAGE_NOT_FOUND");
      assert.deepEqual(body.error.details.registered, ["busybox"]);
      assert.ok(!res.body.includes(rootfs), "the registered image's host path leaked");
      assert.doesNotMatch(res.body, /cgroup|supervisor|\/var\/lib|argv|c8s-server-test/);
    });
  }

  void it("a registered name runs in that root filesystem", async () => {
    const created = await t.api("POST", "/v1/sandboxes", { body: { image: "busybox" } });
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as { id: string }).id;
    const res = await t.api("POST", `/v1/sandboxes/${id}/exec`, {
      body: { command: ["/bin/sh", "-c", "cat /etc/c8s-image; ls /usr 2>&1 || true"] },
    });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as { stdout: string; exitCode: number };
    assert.match(out.stdout, /busybox-rootfs/);
    assert.match(out.stdout, /No such file|can't access/, "the host's /usr is not in the image");
    await t.api("DELETE", `/v1/sandboxes/${id}`);
  });

  void it("c8s image ls and rm manage the registry; the host's root cannot be registered", async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [c8sBin, "image", ...args], { env: cleanEnv({ C8S_HOME: t.home }) });
    assert.match((await run(["ls"])).stdout, /busybox/);
    await assert.rejects(run(["add", "host", "/"]), /host's own root/);
    await assert.rejects(run(["add", "Bad Name", rootfs]), /not an image name/);
    await run(["add", "second", rootfs]);
    assert.equal((await run(["rm", "second"])).stdout, "second\n");
    assert.doesNotMatch((await run(["ls"])).stdout, /second/);
  });
});
