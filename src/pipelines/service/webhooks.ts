/**
 * Webhook payloads → run requests, and their authentication. Pure: the route hands in the
 * raw body and headers; signatures are compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { C8sError } from "../../errors/index.ts";

export interface WebhookRun {
  /** What the run clones: for a pull request, its head's repository (a fork's, for a fork). */
  repoUrl: string;
  /** The repository the delivery is about (a pull request's base): what a team's hook names. */
  repository: string;
  commit: string;
  branch: string | undefined;
  event: "push" | "pull_request" | "tag";
  /**
   * A pull/merge request whose head lives in another repository (a fork), or whose payload does
   * not say where its head lives: it gets no secret unless a secret's policy allows forks.
   */
  fork?: boolean;
}

/** What a delivery asks for: a run, or nothing (with why: ping, deleted branch, closed PR…). */
export type WebhookDecision = { run: WebhookRun } | { ignore: string };

const ZERO_SHA = /^0+$/;

/**
 * The de-duplication key of a delivery: what the signature covers, the raw body. The event
 * name is not part of it: X-GitHub-Event and X-Gitlab-Event are not signed, so a replay with
 * another event header would count as new; the run's event comes from the body anyway (a
 * push body yields a push run whatever the header says, or nothing).
 */
export function deliveryKey(body: Buffer): string {
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
}

function invalidSignature(message: string): C8sError {
  return new C8sError("WEBHOOK_SIGNATURE_INVALID", message, {
    hint: "Configure the same secret on the server and in the repository's webhook settings.",
  });
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual needs equal lengths; compare digests so length leaks nothing either.
  const ha = createHmac("sha256", "c8s-compare").update(a).digest();
  const hb = createHmac("sha256", "c8s-compare").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function githubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Throws WEBHOOK_SIGNATURE_INVALID unless `header` is the HMAC-SHA256 of `body` with `secret`. */
export function verifyGithubSignature(secret: string | undefined, body: Buffer, header: string | undefined): void {
  if (secret === undefined || secret === "")
    throw invalidSignature("no GitHub webhook secret is configured on this server");
  if (header === undefined || !header.startsWith("sha256="))
    throw invalidSignature("the X-Hub-Signature-256 header is missing or not sha256=<hex>");
  if (!safeEqual(Buffer.from(githubSignature(secret, body)), Buffer.from(header)))
    throw invalidSignature("the X-Hub-Signature-256 signature does not match the body");
}

export function verifyGitlabToken(secret: string | undefined, header: string | undefined): void {
  if (secret === undefined || secret === "")
    throw invalidSignature("no GitLab webhook secret is configured on this server");
  if (header === undefined || !safeEqual(Buffer.from(secret), Buffer.from(header)))
    throw invalidSignature("the X-Gitlab-Token header does not match");
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export function parseJsonBody(body: Buffer): Json {
  try {
    return obj(JSON.parse(body.toString("utf8")));
  } catch {
    throw new C8sError("VALIDATION_FAILED", "the webhook body is not JSON", {
      hint: "Set the webhook's content type to application/json.",
    });
  }
}

function refTarget(ref: string | undefined): { branch?: string; tag?: string } {
  if (ref?.startsWith("refs/heads/")) return { branch: ref.slice("refs/heads/".length) };
  if (ref?.startsWith("refs/tags/")) return { tag: ref.slice("refs/tags/".length) };
  return {};
}

function missing(field: string): C8sError {
  return new C8sError("VALIDATION_FAILED", `the webhook payload has no ${field}`, { details: { field } });
}

/** GitHub: the head and base repositories are the same (by id when both have one, else by full name). */
function sameRepository(head: Json, base: Json): boolean {
  if (typeof head["id"] === "number" && typeof base["id"] === "number") return head["id"] === base["id"];
  const a = str(head["full_name"]);
  const b = str(base["full_name"]);
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function githubDecision(event: string | undefined, payload: Json): WebhookDecision {
  const repo = obj(payload["repository"]);
  if (event === "ping") return { ignore: "ping" };
  if (event === "push") {
    const after = str(payload["after"]);
    if (payload["deleted"] === true || after === undefined || ZERO_SHA.test(after)) return { ignore: "ref deleted" };
    const target = refTarget(str(payload["ref"]));
    const repoUrl = str(repo["clone_url"]) ?? str(repo["url"]);
    if (!repoUrl) throw missing("repository.clone_url");
    const run = { repoUrl, repository: repoUrl, commit: after, branch: target.branch };
    return { run: { ...run, event: target.tag ? "tag" : "push" } };
  }
  if (event === "pull_request") {
    const action = str(payload["action"]);
    if (!["opened", "synchronize", "reopened"].includes(action ?? ""))
      return { ignore: `pull_request ${action ?? "?"}` };
    const pr = obj(payload["pull_request"]);
    const head = obj(pr["head"]);
    const base = obj(pr["base"]);
    const commit = str(head["sha"]);
    const headRepo = obj(head["repo"]);
    const repoUrl = str(headRepo["clone_url"]) ?? str(repo["clone_url"]);
    if (!commit) throw missing("pull_request.head.sha");
    if (!repoUrl) throw missing("repository.clone_url");
    const baseRepo = Object.keys(obj(base["repo"])).length > 0 ? obj(base["repo"]) : repo;
    const fork = !sameRepository(headRepo, baseRepo);
    const repository = str(baseRepo["clone_url"]) ?? str(repo["clone_url"]) ?? repoUrl;
    return { run: { repoUrl, repository, commit, branch: str(base["ref"]), event: "pull_request", fork } };
  }
  return { ignore: `event ${event ?? "(none)"} does not start runs` };
}

export function gitlabDecision(event: string | undefined, payload: Json): WebhookDecision {
  const project = obj(payload["project"]);
  const kind = str(payload["object_kind"]);
  if (kind === "push" || kind === "tag_push" || event === "Push Hook" || event === "Tag Push Hook") {
    const after = str(payload["checkout_sha"]) ?? str(payload["after"]);
    if (after === undefined || ZERO_SHA.test(after)) return { ignore: "ref deleted" };
    const target = refTarget(str(payload["ref"]));
    const repoUrl = str(project["git_http_url"]) ?? str(obj(payload["repository"])["git_http_url"]);
    if (!repoUrl) throw missing("project.git_http_url");
    const run = { repoUrl, repository: repoUrl, commit: after, branch: target.branch };
    return { run: { ...run, event: target.tag ? "tag" : "push" } };
  }
  if (kind === "merge_request") {
    const attrs = obj(payload["object_attributes"]);
    const action = str(attrs["action"]);
    if (!["open", "update", "reopen"].includes(action ?? "")) return { ignore: `merge_request ${action ?? "?"}` };
    const commit = str(obj(attrs["last_commit"])["id"]);
    const repoUrl = str(obj(attrs["source"])["git_http_url"]) ?? str(project["git_http_url"]);
    if (!commit) throw missing("object_attributes.last_commit.id");
    if (!repoUrl) throw missing("project.git_http_url");
    const source = attrs["source_project_id"];
    const fork = typeof source !== "number" || source !== attrs["target_project_id"];
    const repository = str(project["git_http_url"]) ?? str(obj(attrs["target"])["git_http_url"]) ?? repoUrl;
    const branch = str(attrs["target_branch"]);
    return { run: { repoUrl, repository, commit, branch, event: "pull_request", fork } };
  }
  return { ignore: `event ${kind ?? event ?? "(none)"} does not start runs` };
}
