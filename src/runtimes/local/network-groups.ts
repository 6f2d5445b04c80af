/**
 * Named network namespaces shared by the sandboxes of one group (pipeline steps and their
 * services): created on demand with loopback up, removed when the last member is destroyed.
 * Needs root and iproute2 (`ip netns`).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { C8sError } from "../../errors/index.ts";

const run = promisify(execFile);

export function netnsName(group: string): string {
  return `c8s-${createHash("sha256").update(group).digest("hex").slice(0, 16)}`;
}

export function netnsPath(name: string): string {
  return `/run/netns/${name}`;
}

export async function ensureNetns(name: string): Promise<string> {
  try {
    await run("ip", ["netns", "add", name]);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "");
    if (!stderr.includes("exists")) {
      throw new C8sError(
        "ISOLATION_UNAVAILABLE",
        `Cannot create network namespace ${name}: ${stderr.trim() || String(error)}`,
        {
          hint: "Group networks need root and iproute2: apt-get install iproute2",
          cause: error,
        },
      );
    }
  }
  await run("ip", ["-n", name, "link", "set", "lo", "up"]);
  return netnsPath(name);
}

export async function removeNetns(name: string): Promise<void> {
  await run("ip", ["netns", "delete", name]).catch(() => undefined);
}
