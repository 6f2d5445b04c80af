/**
 * File operations inside a pod, as POSIX sh scripts run over exec (pure builders). Every
 * script resolves the path with `readlink -f` inside the sandbox and refuses anything that
 * does not land in the workdir or /tmp — so a symlink cannot lead out — and reports failures
 * as exit statuses that `fileErrorFor` maps to c8s codes.
 */
import { posix } from "node:path";
import { C8sError } from "../../errors/index.ts";
import { normalizeSandboxPath } from "../files/index.ts";
import type { FileEntry, FileType } from "../types.ts";

export const FILE_EXIT = { notFound: 44, isDirectory: 45, notDirectory: 46, outside: 47, notEmpty: 48 } as const;

/** The sandbox path a request names, by the shared policy (relative → against the workdir). */
export function sandboxPath(workdir: string, path: string): string {
  return normalizeSandboxPath(workdir, path);
}

/**
 * Shell prelude: $W is the workdir, $P the path. Resolves the deepest existing ancestor with
 * `readlink -f`, appends the part that does not exist yet, and refuses a result outside the
 * workdir and /tmp. With `followFinal`, a final symlink must point inside too (reads, writes,
 * listings); without it the link itself is the object (stat, remove). $R is the checked path,
 * $rest non-empty when it does not exist.
 */
function prelude(mustExist: boolean, followFinal: boolean): string {
  const check = `case "$R" in "$W"|"$W"/*|/tmp|/tmp/*) ;; *) exit ${FILE_EXIT.outside} ;; esac`;
  return (
    `W=$1; P=$2; shift 2; A=$P; rest=; ` +
    `while [ ! -e "$A" ] && [ ! -L "$A" ]; do rest=/\${A##*/}$rest; A=\${A%/*}; [ -z "$A" ] && A=/; done; ` +
    `if [ -z "$rest" ]; then ` +
    `b=\${P##*/}; d=\${P%/*}; [ -z "$d" ] && d=/; D=$(readlink -f -- "$d") || exit ${FILE_EXIT.notFound}; ` +
    `if [ -z "$b" ]; then R=$D; else R=\${D%/}/$b; fi; ` +
    `else ` +
    `[ -d "$A" ] || exit ${FILE_EXIT.notDirectory}; D=$(readlink -f -- "$A") || exit ${FILE_EXIT.notFound}; R=\${D%/}$rest; ` +
    `fi; ${check}; ` +
    (followFinal ? `if [ -L "$R" ]; then R=$(readlink -f -- "$R") || exit ${FILE_EXIT.outside}; ${check}; fi; ` : "") +
    (mustExist ? `[ -z "$rest" ] || exit ${FILE_EXIT.notFound}; ` : "")
  );
}

function script(body: string, mustExist: boolean, followFinal = true): string {
  return prelude(mustExist, followFinal) + body;
}

/** For creating operations: the parent must exist (like open(2) and mkdir(2)). */
const parentMustExist = `case "$rest" in /*/*) exit ${FILE_EXIT.notFound} ;; esac; `;

/**
 * KWOK test clusters only (`drain`): the simulated node's exec tunnel drops output still in
 * flight when the process exits, so a large download came back short with exit 0. Holding the
 * shell half a second after the output lets it drain; a real kubelet needs no such wait.
 */
function emit(command: string, drain: boolean): string {
  return drain ? `${command}; c8s_s=$?; sleep 0.5; exit "$c8s_s"` : `exec ${command}`;
}

export function readScript(drain = false): string {
  return script(
    `[ -d "$R" ] && exit ${FILE_EXIT.isDirectory}; [ -e "$R" ] || exit ${FILE_EXIT.notFound}; ${emit('cat -- "$R"', drain)}`,
    true,
  );
}

export function writeScript(mode: number | undefined): string {
  const chmod = mode === undefined ? "" : `chmod ${(mode & 0o7777).toString(8)} -- "$R" || exit 1; `;
  return script(
    `${parentMustExist}[ -d "$R" ] && exit ${FILE_EXIT.isDirectory}; head -c "$1" >"$R" || exit 1; ${chmod}exit 0`,
    false,
  );
}

const ENTRY = `printf '%s\\t%s\\t%s\\0' "$(stat -c '%f %s %Y' -- "$f")" "$n" "$(if [ -L "$f" ]; then readlink -- "$f"; fi)"`;

export function listScript(): string {
  return script(
    `[ -e "$R" ] || exit ${FILE_EXIT.notFound}; [ -d "$R" ] || exit ${FILE_EXIT.notDirectory}; ` +
      `for f in "$R"/* "$R"/.[!.]* "$R"/..?*; do [ -e "$f" ] || [ -L "$f" ] || continue; n=\${f##*/}; ${ENTRY}; done`,
    true,
  );
}

export function statScript(): string {
  return script(`f=$R; n=\${R##*/}; ${ENTRY}`, true, false);
}

export function mkdirScript(recursive: boolean): string {
  return recursive
    ? script(`[ -e "$R" ] && [ ! -d "$R" ] && exit ${FILE_EXIT.notDirectory}; mkdir -p -- "$R"`, false)
    : script(`${parentMustExist}[ -d "$R" ] && exit 0; mkdir -- "$R"`, false);
}

export function removeScript(recursive: boolean): string {
  return recursive
    ? script(
        `[ "$R" = "$W" ] && exec sh -c 'rm -rf -- "$1"/* "$1"/.[!.]* "$1"/..?*' sh "$R"; rm -rf -- "$R"`,
        true,
        false,
      )
    : script(
        `if [ -d "$R" ] && [ ! -L "$R" ]; then rmdir -- "$R" 2>/dev/null || exit ${FILE_EXIT.notEmpty}; else rm -f -- "$R"; fi`,
        true,
        false,
      );
}

export function tarOutScript(drain = false): string {
  return script(`[ -d "$R" ] || exit ${FILE_EXIT.notDirectory}; ${emit('tar -C "$R" -cf - .', drain)}`, true);
}

export function tarInScript(): string {
  return script(
    `[ -e "$R" ] && [ ! -d "$R" ] && exit ${FILE_EXIT.notDirectory}; mkdir -p -- "$R" && head -c "$1" | tar -C "$R" -xf -`,
    false,
  );
}

/**
 * argv of a file script: workdir, path and the input's length are positional parameters,
 * never spliced. Inputs are read with `head -c LENGTH`, not to end of file: a node agent that
 * never closes an exec's stdin (KWOK's does not) cannot hang a write.
 */
export function fileCommand(scriptText: string, workdir: string, path: string, inputLength?: number): string[] {
  return [
    "/bin/sh",
    "-c",
    scriptText,
    "c8s-files",
    workdir,
    path,
    ...(inputLength === undefined ? [] : [String(inputLength)]),
  ];
}

export function fileErrorFor(exitCode: number | null, path: string, stderr: string): C8sError {
  switch (exitCode) {
    case FILE_EXIT.notFound:
      return new C8sError("FILE_NOT_FOUND", `${path} does not exist in the sandbox`, { details: { path } });
    case FILE_EXIT.isDirectory:
      return new C8sError("IS_A_DIRECTORY", `${path} is a directory`, { details: { path } });
    case FILE_EXIT.notDirectory:
      return new C8sError("NOT_A_DIRECTORY", `${path} (or one of its parents) is not a directory`, {
        details: { path },
      });
    case FILE_EXIT.outside:
      return new C8sError("PATH_OUTSIDE_SANDBOX", `${path} resolves outside the sandbox's workspace and /tmp`, {
        details: { path },
        hint: "Symlinks may not lead out of the workspace or /tmp.",
      });
    case FILE_EXIT.notEmpty:
      return new C8sError("CONFLICT", `${path} is a directory that is not empty`, {
        details: { path },
        hint: "Pass recursive: true to remove it with its contents.",
      });
    default:
      return new C8sError("EXEC_FAILED", `file operation on ${path} failed: ${stderr.trim() || `exit ${exitCode}`}`, {
        details: { path, exitCode, stderr: stderr.slice(0, 2000) },
      });
  }
}

/** Parses the NUL-separated `mode size mtime \t name \t target` records of list/stat. */
export function parseEntries(output: Buffer, directory: string): FileEntry[] {
  const entries: FileEntry[] = [];
  for (const record of output.toString("utf8").split("\0")) {
    if (record === "") continue;
    const [statPart, name, target] = record.split("\t");
    const [modeHex, size, mtime] = (statPart ?? "").split(" ");
    if (name === undefined || modeHex === undefined) continue;
    // No mode: `stat` failed (the entry vanished while listing, or the sandbox broke `stat`).
    if (!/^[0-9a-f]{1,8}$/i.test(modeHex)) continue;
    const raw = Number.parseInt(modeHex, 16);
    const bytes = Number(size ?? 0);
    const entry: FileEntry = {
      path: posix.join(directory, name),
      name,
      type: fileType(raw),
      size: Number.isFinite(bytes) && bytes >= 0 ? bytes : 0,
      mode: raw & 0o7777,
      modifiedAt: isoFromSeconds(Number(mtime ?? 0)),
    };
    if (entry.type === "symlink" && target !== undefined && target !== "") entry.linkTarget = target;
    entries.push(entry);
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * An mtime in seconds as ISO text. Sandbox code sets any mtime it likes (`touch -d @1e14` on a
 * tmpfs); one outside what a Date holds is shown as the epoch instead of throwing RangeError.
 */
function isoFromSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isFinite(date.getTime()) ? date.toISOString() : new Date(0).toISOString();
}

function fileType(mode: number): FileType {
  switch (mode & 0o170000) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "directory";
    case 0o120000:
      return "symlink";
    default:
      return "other";
  }
}
