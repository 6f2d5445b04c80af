/**
 * Local "images" are root filesystem directories on the c8s host. A request names one by a
 * name the installation admin registered (`c8s image add NAME PATH`, kept in
 * `<C8S_HOME>/images.json`), never by a host path: a path from an API caller would let any
 * token mount any host directory as its sandbox's root. Only `c8s run` (the user's own
 * machine, no server) may name a directory directly (`allowImagePaths`). Registering creates the
 * mount points the launch needs in the image (`IMAGE_MOUNT_POINTS`).
 */
import { mkdir, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";

export const LOCAL_IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}(?::[a-z0-9._-]{1,64})?$/;

const registrySchema = z.record(z.string().regex(LOCAL_IMAGE_NAME), z.string().startsWith("/"));
export type LocalImageRegistry = z.infer<typeof registrySchema>;

export async function readImageRegistry(file: string): Promise<LocalImageRegistry> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "{}";
    throw error;
  });
  const parsed = registrySchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new C8sError("CONFIG_INVALID", "the local image registry (images.json in C8S_HOME) is not valid", {
      hint: "Fix or remove it; `c8s image add NAME PATH` writes it.",
    });
  return parsed.data;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

/**
 * The root filesystem directory for `image`: a registered name, or (only with `allowPaths`) an
 * absolute directory. Errors name what the caller sent and the registered names, never a host path.
 */
export async function resolveLocalImage(
  image: string,
  registry: LocalImageRegistry,
  allowPaths: boolean,
): Promise<string> {
  const names = Object.keys(registry).sort();
  const known = names.length === 0 ? "none is registered" : `registered: ${names.join(", ")}`;
  if (posix.isAbsolute(image) && allowPaths) {
    if (await isDirectory(image)) return image;
    throw new C8sError("IMAGE_NOT_FOUND", `no root filesystem directory '${image}' on this host`, {
      details: { image },
      hint: "Name a directory holding a root filesystem, or an image registered with `c8s image add`.",
    });
  }
  const path = Object.hasOwn(registry, image) ? registry[image] : undefined;
  if (path === undefined) {
    throw new C8sError("IMAGE_NOT_FOUND", `no local image named '${image.slice(0, 200)}' (${known})`, {
      details: { image: image.slice(0, 200), registered: names },
      hint: posix.isAbsolute(image)
        ? "On a c8s server an image is a name the installation admin registered (`c8s image add NAME PATH`), never a host path."
        : "Use a registered name, or ask the installation admin to register it with `c8s image add NAME PATH`.",
    });
  }
  if (!(await isDirectory(path)))
    throw new C8sError("IMAGE_NOT_FOUND", `the local image '${image}' is registered but its directory is gone`, {
      details: { image },
      hint: "The installation admin should register it again (`c8s image add`).",
    });
  return path;
}

/** `c8s image add`: registers (or replaces) `name` → the real path of `dir`. */
export async function registerImage(file: string, name: string, dir: string): Promise<string> {
  if (!LOCAL_IMAGE_NAME.test(name))
    throw new C8sError("INVALID_ARGUMENT", `'${name}' is not an image name`, {
      hint: "Use lower-case letters, digits, '.', '_' and '-', optionally ':' and a tag (e.g. debian:bookworm).",
    });
  if (!posix.isAbsolute(dir) || !(await isDirectory(dir)))
    throw new C8sError("INVALID_ARGUMENT", `'${dir}' is not an absolute path of a directory`, {
      hint: "Give the absolute path of a root filesystem directory (e.g. one made by debootstrap).",
    });
  const real = await realpath(dir);
  if (real === "/")
    throw new C8sError("INVALID_ARGUMENT", "the host's own root cannot be an image", {
      hint: "Give a directory holding a separate root filesystem.",
    });
  await ensureMountPoints(real);
  const registry = { ...(await readImageRegistry(file)), [name]: real };
  await writeRegistry(file, registry);
  return real;
}

/**
 * The sandbox's root is the image, read-only: what bwrap mounts over it must already exist there
 * (the default workdir, /tmp, /proc, /dev and the supervisor's file). Made once, when registered.
 */
export const IMAGE_MOUNT_POINTS = {
  dirs: ["proc", "dev", "tmp", "workspace", ".c8s/bin"],
  files: [".c8s/bin/supervisor"],
};

async function ensureMountPoints(root: string): Promise<void> {
  for (const dir of IMAGE_MOUNT_POINTS.dirs) await mkdir(join(root, dir), { recursive: true, mode: 0o755 });
  for (const file of IMAGE_MOUNT_POINTS.files) await writeFile(join(root, file), "", { flag: "a", mode: 0o755 });
}

export async function unregisterImage(file: string, name: string): Promise<boolean> {
  const registry = await readImageRegistry(file);
  if (!Object.hasOwn(registry, name)) return false;
  delete registry[name];
  await writeRegistry(file, registry);
  return true;
}

async function writeRegistry(file: string, registry: LocalImageRegistry): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, `${JSON.stringify(registry, null, 2)}\n`, { mode: 0o644 });
  await rename(partial, file);
}
