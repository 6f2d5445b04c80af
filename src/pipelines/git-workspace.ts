/**
 * Fresh clone per run: a run is for a repository URL and a commit; its workspace is a new
 * clone of exactly that commit, shared by the run's steps. Any git URL works (`file://` in
 * tests and for `c8s run` in a checkout).
 */
import { execFile } from "node:child_process";
import { chmod, mkdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { C8sError } from "../errors/index.ts";

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** Runs git with no prompts and no user/system config surprises. */
export function git(args: string[], options: { cwd?: string; signal?: AbortSignal } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      {
        cwd: options.cwd,
        signal: options.signal,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          PATH: "/usr/local/bin:/usr/bin:/bin",
          GIT_TERMINAL_PROMPT: "0",
          GIT_CONFIG_NOSYSTEM: "1",
          HOME: "/nonexistent",
          LC_ALL: "C",
        },
      },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });
}

export interface RepositoryRef {
  /** Any URL git can clone: https://, ssh, file://. */
  url: string;
  /** A full or abbreviated commit id, or a ref name. */
  commit: string;
}

export interface ClonedWorkspace {
  dir: string;
  /** The full commit id checked out. */
  commit: string;
}

/** Clones `repo` into `dir` (which must not exist or be empty) and checks out the commit, detached. */
export async function cloneAt(repo: RepositoryRef, dir: string, signal?: AbortSignal): Promise<ClonedWorkspace> {
  await mkdir(dir, { recursive: true });
  try {
    await git(["clone", "--quiet", "--no-checkout", "--", repo.url, dir], { signal });
  } catch (error) {
    throw new C8sError("INVALID_ARGUMENT", `cannot clone ${repo.url}: ${gitMessage(error)}`, {
      details: { url: repo.url },
      hint: "Check the repository URL and that this machine can reach it.",
      cause: error,
    });
  }
  try {
    await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", repo.commit, "--"], {
      cwd: dir,
      signal,
    });
    const { stdout } = await git(["rev-parse", "HEAD"], { cwd: dir, signal });
    return { dir, commit: stdout.trim() };
  } catch (error) {
    throw new C8sError("INVALID_ARGUMENT", `commit ${repo.commit} is not in ${repo.url}: ${gitMessage(error)}`, {
      details: { url: repo.url, commit: repo.commit },
      hint: "Push the commit first, or pass a commit that exists in the repository.",
      cause: error,
    });
  }
}

export interface CheckoutInfo {
  root: string;
  url: string;
  commit: string;
  branch: string | undefined;
  /** True when the working tree has uncommitted changes (they are not part of the run). */
  dirty: boolean;
}

/** The git checkout containing `dir`: its root as a file:// URL, HEAD, branch, dirtiness. */
export async function currentCheckout(dir: string): Promise<CheckoutInfo> {
  let root: string;
  try {
    root = (await git(["rev-parse", "--show-toplevel"], { cwd: dir })).stdout.trim();
  } catch (error) {
    throw new C8sError("INVALID_ARGUMENT", `${dir} is not inside a git checkout: ${gitMessage(error)}`, {
      hint: "Run inside a git repository, or pass --repo URL --commit SHA.",
    });
  }
  let commit: string;
  try {
    commit = (await git(["rev-parse", "HEAD"], { cwd: root })).stdout.trim();
  } catch {
    throw new C8sError("INVALID_ARGUMENT", `the checkout at ${root} has no commits yet`, {
      hint: "Commit your files first: a run uses the committed HEAD.",
    });
  }
  const branchName = (await git(["rev-parse", "--abbrev-ref", "HEAD"], { cwd: root })).stdout.trim();
  const status = (await git(["status", "--porcelain", "--untracked-files=no"], { cwd: root })).stdout;
  return {
    root,
    url: pathToFileURL(root).href,
    commit,
    branch: branchName === "HEAD" ? undefined : branchName,
    dirty: status.trim().length > 0,
  };
}

function gitMessage(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  const text = stderr && stderr.trim() !== "" ? stderr : error instanceof Error ? error.message : String(error);
  return text.trim().split("\n").slice(-2).join(" ");
}

/**
 * Steps run as an unprivileged uid that differs from the one that cloned: the shared
 * workspace is made writable for them (it lives in the run's private directory).
 */
export async function shareWorkspace(dir: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    execFile("chmod", ["-R", "a+rwX", "--", dir], (error) => (error ? reject(error) : resolve())),
  );
  await chmod(dir, 0o777);
}
