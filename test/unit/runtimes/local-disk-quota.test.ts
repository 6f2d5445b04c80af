import assert from "node:assert/strict";
import { test } from "node:test";
import { mountPoints, quotaFsCommands, unmountCommand } from "../../../src/runtimes/local/disk-quota.ts";

const mount = { image: "/var/lib/c8s/sandboxes/sbx_1/disk.img", mountPoint: "/var/lib/c8s/sandboxes/sbx_1/workspace" };

void test("a quota filesystem: ext4 without journal or reserved blocks, mounted nosuid,nodev from its image", () => {
  const { mkfs, mount: mountArgv } = quotaFsCommands(mount);
  assert.equal(mkfs[0], "mkfs.ext4");
  assert.equal(mkfs.at(-1), mount.image);
  assert.deepEqual(mkfs.slice(mkfs.indexOf("-m"), mkfs.indexOf("-m") + 2), ["-m", "0"]);
  assert.ok(mkfs.includes("^has_journal"));
  assert.deepEqual(mountArgv.slice(0, 3), ["mount", "-t", "ext4"]);
  const options = (mountArgv[mountArgv.indexOf("-o") + 1] ?? "").split(",");
  for (const option of ["loop", "nosuid", "nodev"]) assert.ok(options.includes(option), option);
  assert.deepEqual(mountArgv.slice(-2), [mount.image, mount.mountPoint]);
});

void test("unmount: plain first, lazy when busy", () => {
  assert.deepEqual(unmountCommand(mount.mountPoint, false), ["umount", mount.mountPoint]);
  assert.deepEqual(unmountCommand(mount.mountPoint, true), ["umount", "-l", mount.mountPoint]);
});

void test("mount points from /proc/self/mountinfo, octal escapes decoded", () => {
  const info = [
    "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
    "97 22 7:0 / /var/lib/c8s/sandboxes/sbx_1/workspace rw,nosuid,nodev - ext4 /dev/loop0 rw",
    "98 22 7:1 / /srv/with\\040space rw - ext4 /dev/loop1 rw",
    "",
  ].join("\n");
  assert.deepEqual([...mountPoints(info)], ["/", mount.mountPoint, "/srv/with space"]);
});
