/**
 * Fresh clone per run: a run is for a repository URL and a commit; its workspace is a new
 * clone of exactly that commit, shared by the run's steps. Any git URL works (`file://` in
 * tests and for `c8s run` in a checkout, a plain path).
 *
 * A clone shares nothing with its source (`--no-local`: a plain path is fetched through git's
 * transport, never hardlinked — the local runtime gives the clone to the steps' uid, which
 * would otherwise change the source repository's own object files), and is never writable
 * by group or others. A credential travels beside the URL (`repo-url.ts`) and reaches git
 * through a credential helper reading the environment.
 */
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { C8sError } from "../../errors/index.ts";
import { cloneableUrl, redactUrls, type RepoCredential, splitRepoUrl, urlOrigin } from "./repo-url.ts";

export interface GitResult {
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  cwd?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Added to git's minimal environment (e.g. the credential helper's variables). */
  env?: Record<string, string> | undefined;
  /** Output beyond this fails the command (default 16 MiB). */
  maxBuffer?: number | undefined;
}

function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    // Only these transports: no remote helpers (`hg::`, …), no `ext::` (runs a command).
    GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh",
    HOME: "/nonexistent",
    LC_ALL: "C",
    ...extra,
  };
}

/** Runs git with no prompts and no user/system config surprises. */
export function git(args: string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      {
        cwd: options.cwd,
        signal: options.signal,
        maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024,
        env: gitEnv(options.env),
      },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** Like `git`, with stdout as bytes (file contents). */
export function gitBytes(args: string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      {
        cwd: options.cwd,
        signal: options.signal,
        maxBuffer: options.maxBuffer ?? 16 * 1024 * 1024,
        env: gitEnv(options.env),
        encoding: "buffer",
      },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr: stderr.toString("utf8") }));
        else resolve(stdout);
      },
    );
  });
}

export interface RepositoryRef {
  /** Any URL git can clone: https://, ssh, file://, a path. Shown in events and errors: redacted (`https://***@host/…`). */
  url: string;
  /** A full or abbreviated commit id, or a ref name. */
  commit: string;
  /** The credential split out of the URL (`splitRepoUrl`), given to git by a credential helper. */
  credential?: RepoCredential | undefined;
}

export interface ClonedWorkspace {
  dir: string;
  /** The full commit id checked out. */
  commit: string;
}

/**
 * The credential helper: answers git's `get` with the user name and password from its
 * environment, so the secret is in no argv (`ps` shows argv to every host user) and in no file.
 */
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || return 0; printf \'username=%s\\npassword=%s\\n\' "$C8S_GIT_USERNAME" "$C8S_GIT_PASSWORD"; }; f';

/** `-c` options and environment that give git `credential` for the URL's server only. */
export function credentialArgs(
  url: string,
  credential: RepoCredential | undefined,
): { args: string[]; env: Record<string, string> } {
  const origin = urlOrigin(url);
  if (credential === undefined || origin === undefined) return { args: [], env: {} };
  return {
    args: ["-c", "credential.helper=", "-c", `credential.${origin}.helper=${CREDENTIAL_HELPER}`],
    env: { C8S_GIT_USERNAME: credential.username, C8S_GIT_PASSWORD: credential.password },
  };
}

/** Narrower than git-workspace's defaults (the server's clone policy, `clone-policy.ts`). */
export interface CloneGitOptions {
  /** `GIT_ALLOW_PROTOCOL` for the clone, e.g. `https:ssh` (default `file:git:http:https:ssh`). */
  allowProtocols?: string | undefined;
  /** `false`: git's `http.followRedirects=false` (default: git's own, the first request only). */
  followRedirects?: boolean | undefined;
}

/** Clones `repo` into `dir` (which must not exist or be empty) and checks out the commit, detached. */
export async function cloneAt(
  repo: RepositoryRef,
  dir: string,
  signal?: AbortSignal,
  options: CloneGitOptions = {},
): Promise<ClonedWorkspace> {
  await mkdir(dir, { recursive: true });
  // A URL that still carries its credential is split here too: git never sees it in argv.
  const split = splitRepoUrl(repo.url);
  const shown = split.url;
  const auth = credentialArgs(split.url, repo.credential ?? split.credential);
  const policy = options.followRedirects === false ? ["-c", "http.followRedirects=false"] : [];
  const env =
    options.allowProtocols === undefined ? auth.env : { ...auth.env, GIT_ALLOW_PROTOCOL: options.allowProtocols };
  try {
    const url = cloneableUrl(split.url);
    await git([...policy, ...auth.args, "clone", "--quiet", "--no-local", "--no-checkout", "--", url, dir], {
      signal,
      env,
    });
  } catch (error) {
    throw new C8sError("INVALID_ARGUMENT", `cannot clone ${shown}: ${gitMessage(error)}`, {
      details: { url: shown },
      hint: "Check the repository URL and that this machine can reach it.",
      cause: redactedCause(error),
    });
  }
  let commit: string;
  try {
    await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", repo.commit, "--"], {
      cwd: dir,
      signal,
    });
    commit = (await git(["rev-parse", "HEAD"], { cwd: dir, signal })).stdout.trim();
  } catch (error) {
    throw new C8sError("INVALID_ARGUMENT", `commit ${repo.commit} is not in ${shown}: ${gitMessage(error)}`, {
      details: { url: shown, commit: repo.commit },
      hint: "Push the commit first, or pass a commit that exists in the repository.",
      cause: redactedCause(error),
    });
  }
  // Whatever the server's umask: nothing in the clone is writable by group or others.
  await new Promise<void>((resolve, reject) =>
    execFile("chmod", ["-R", "go-w", "--", dir], (error) => (error ? reject(error) : resolve())),
  );
  return { dir, commit };
}

/** git's error without its argv or any URL credential (a cause is logged with the error). */
function redactedCause(error: unknown): Error {
  return new Error(gitMessage(error));
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

/** The last lines of git's stderr, bounded, without URL credentials. */
export function gitMessage(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  const text = stderr && stderr.trim() !== "" ? stderr : error instanceof Error ? error.message : String(error);
  return redactUrls(text.trim().split("\n").slice(-2).join(" ")).slice(0, 500);
}
