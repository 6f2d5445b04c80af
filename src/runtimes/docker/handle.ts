/** The Docker runtime's SandboxHandle.ref, validated where it re-enters (it is persisted). */
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import type { SandboxHandle } from "../types.ts";

export const dockerRefSchema = z.object({
  containerId: z.string().min(1),
  containerName: z.string().min(1),
  workdir: z.string().startsWith("/"),
  /** Volumes c8s created for this sandbox (workspace unless bound, /tmp). */
  volumes: z.array(z.string()),
  /** The network group it joined (its holder container is `groupHolderName(group)`), if any. */
  group: z.string().optional(),
});

export type DockerRef = z.infer<typeof dockerRefSchema>;

export function dockerRef(handle: SandboxHandle): DockerRef {
  const parsed = dockerRefSchema.safeParse(handle.ref);
  if (handle.runtime !== "docker" || !parsed.success) {
    throw new C8sError("INVALID_ARGUMENT", `Sandbox ${handle.id} has no valid Docker reference.`, {
      details: { sandboxId: handle.id, runtime: handle.runtime },
      hint: "The handle was not created by the docker runtime; use the runtime that created it.",
    });
  }
  return parsed.data;
}

export function dockerHandle(id: string, ref: DockerRef): SandboxHandle {
  return { id, runtime: "docker", ref: { ...ref } };
}
