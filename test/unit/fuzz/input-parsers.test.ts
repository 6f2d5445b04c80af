/**
 * Fuzz (issue 8, Deliver 2): every parser of bytes a client or a repository sends — pipeline
 * YAML (lint, load, plan), GitHub and GitLab webhook payloads and signatures, WebSocket client
 * messages, the JSON bodies of sandbox create and exec, `git ls-tree` output of an untrusted
 * repository — fed 200 hostile variants of a valid input from a fixed seed. Each returns or
 * throws a C8sError, never a TypeError or RangeError, never hangs. A failure prints seed and
 * index (replay with `fuzzCase`). A new parser is one more row.
 */
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import { parseLsTree } from "../../../src/pipelines/runner/repo-file.ts";
import {
  githubDecision,
  githubSignature,
  gitlabDecision,
  parseJsonBody,
  verifyGithubSignature,
  verifyGitlabToken,
} from "../../../src/pipelines/service/webhooks.ts";
import { lintPipeline, loadPipeline } from "../../../src/pipelines/spec/lint.ts";
import { planPipeline } from "../../../src/pipelines/spec/plan.ts";
import { clientFrame, createSandboxBody, runExecBody, streamStartMessage } from "../../../src/server/api-schemas.ts";
import { parseInput } from "../../../src/server/validate.ts";
import { parseClientMessage } from "../../../src/server/ws-messages.ts";
import { type FuzzRow, fuzzRow, rng } from "../../fixtures/fuzz.ts";

const c8sOnly = (error: unknown): boolean => isC8sError(error);
const never = (): boolean => false;

const pipelineYaml = readFileSync(new URL("../../../examples/ci-dag.c8s.yaml", import.meta.url));

const githubPush = Buffer.from(
  JSON.stringify({
    ref: "refs/heads/main",
    after: "0123456789abcdef0123456789abcdef01234567",
    deleted: false,
    repository: { clone_url: "https://example.com/o/r.git" },
  }),
);
const githubPullRequest = Buffer.from(
  JSON.stringify({
    action: "synchronize",
    pull_request: {
      head: { sha: "0123456789abcdef0123456789abcdef01234567", repo: { clone_url: "https://example.com/f/r.git" } },
      base: { ref: "main" },
    },
    repository: { clone_url: "https://example.com/o/r.git" },
  }),
);
const gitlabMergeRequest = Buffer.from(
  JSON.stringify({
    object_kind: "merge_request",
    project: { git_http_url: "https://example.com/o/r.git" },
    object_attributes: {
      action: "update",
      target_branch: "main",
      last_commit: { id: "0123456789abcdef0123456789abcdef01234567" },
      source: { git_http_url: "https://example.com/f/r.git" },
    },
  }),
);
const SECRET = "fuzz-secret";

const wsStart = Buffer.from(
  JSON.stringify({
    type: "start",
    command: ["sh", "-c", "cat"],
    env: { A: "1" },
    cwd: "/workspace",
    timeoutMs: 5000,
    tty: { rows: 24, cols: 80 },
    stdin: true,
  }),
);
const wsStdin = Buffer.from(JSON.stringify({ type: "stdin", data: Buffer.from("hello\n").toString("base64") }));

/** What both WebSocket routes do with one client message: parse, then the start or control schema. */
function readWsMessage(input: Buffer): unknown {
  const message = parseClientMessage(input, false);
  if (isC8sError(message)) throw message;
  const type = (message as { type?: unknown } | null)?.type;
  return type === "start"
    ? parseInput(streamStartMessage, message, "message")
    : parseInput(clientFrame, message, "message");
}

/** A JSON body as the server reads it: JSON.parse (Fastify answers 400 on a SyntaxError), then the schema. */
function readJsonBody(schema: Parameters<typeof parseInput>[0]) {
  return (input: Buffer): unknown => {
    let value: unknown;
    try {
      value = JSON.parse(input.toString("utf8"));
    } catch {
      return "not JSON: Fastify's own 400";
    }
    return parseInput(schema, value, "body");
  };
}

const lsTree = Buffer.from(
  "100644 blob 0123456789abcdef0123456789abcdef01234567      42\t.c8s.yaml\0" +
    "120000 blob 89abcdef0123456789abcdef0123456789abcdef       9\tlink\0" +
    "040000 tree fedcba9876543210fedcba9876543210fedcba98       -\tsrc\0",
);

const rows: FuzzRow[] = [
  {
    name: "pipeline YAML lint (lint.ts lintPipeline: problems, never a throw)",
    valid: pipelineYaml,
    parse: (input) => lintPipeline(input),
    allowed: never,
  },
  {
    name: "pipeline YAML load + plan (lint.ts loadPipeline, plan.ts planPipeline)",
    valid: pipelineYaml,
    parse: (input) => planPipeline(loadPipeline(input), { event: "push", branch: "main", changedPaths: ["a"] }),
    allowed: c8sOnly,
  },
  {
    name: "GitHub push payload (webhooks.ts parseJsonBody + githubDecision)",
    valid: githubPush,
    parse: (input) => githubDecision("push", parseJsonBody(input)),
    allowed: c8sOnly,
  },
  {
    name: "GitHub pull_request payload (webhooks.ts)",
    valid: githubPullRequest,
    parse: (input) => githubDecision("pull_request", parseJsonBody(input)),
    allowed: c8sOnly,
  },
  {
    name: "GitLab merge request payload under every event header (webhooks.ts gitlabDecision)",
    valid: gitlabMergeRequest,
    parse: (input, r) =>
      gitlabDecision(r.pick([undefined, "Push Hook", "Tag Push Hook", "Merge Request Hook"]), parseJsonBody(input)),
    allowed: c8sOnly,
  },
  {
    name: "GitHub signature header (webhooks.ts verifyGithubSignature)",
    valid: Buffer.from(githubSignature(SECRET, githubPush)),
    parse: (input) => verifyGithubSignature(SECRET, githubPush, input.toString("latin1")),
    allowed: (e) => isC8sError(e) && e.code === "WEBHOOK_SIGNATURE_INVALID",
  },
  {
    name: "GitLab token header (webhooks.ts verifyGitlabToken)",
    valid: Buffer.from(SECRET),
    parse: (input) => verifyGitlabToken(SECRET, input.toString("latin1")),
    allowed: (e) => isC8sError(e) && e.code === "WEBHOOK_SIGNATURE_INVALID",
  },
  {
    name: "WebSocket start message (ws-messages.ts parseClientMessage + streamStartMessage)",
    valid: wsStart,
    parse: readWsMessage,
    allowed: c8sOnly,
  },
  {
    name: "WebSocket stdin frame (ws-messages.ts parseClientMessage + clientFrame)",
    valid: wsStdin,
    parse: readWsMessage,
    allowed: c8sOnly,
  },
  {
    name: "WebSocket binary and fragmented messages (ws-messages.ts parseClientMessage)",
    valid: wsStdin,
    parse: (input, r) => {
      const cut = r.int(input.length + 1);
      const fragments = [input.subarray(0, cut), input.subarray(cut)];
      const whole = new Uint8Array(input).buffer;
      return parseClientMessage(r.next() < 0.5 ? fragments : whole, r.next() < 0.3);
    },
    allowed: never,
  },
  {
    name: "sandbox create JSON body (api-schemas.ts createSandboxBody)",
    valid: Buffer.from(
      JSON.stringify({
        image: "alpine:3.20",
        env: { A: "1" },
        ttlMs: 60_000,
        limits: { memoryBytes: 268435456, cpuMillis: 500, pids: 64 },
        network: "none",
      }),
    ),
    parse: readJsonBody(createSandboxBody),
    allowed: c8sOnly,
  },
  {
    name: "exec JSON body (api-schemas.ts runExecBody)",
    valid: Buffer.from(JSON.stringify({ command: ["sh", "-c", "cat"], stdin: "hi", timeoutMs: 1000, cwd: "." })),
    parse: readJsonBody(runExecBody),
    allowed: c8sOnly,
  },
  {
    name: "git ls-tree output of an untrusted repository (repo-file.ts parseLsTree)",
    valid: lsTree,
    parse: (input) => parseLsTree(input),
    allowed: never,
  },
];

void describe("fuzz: input parsers", () => {
  for (const row of rows) {
    void test(`${row.name}: 200 hostile inputs return or refuse with the documented error`, async () => {
      // The valid input itself parses: the row is wired right.
      await row.parse(row.valid, rng(1));
      await fuzzRow(row);
    });
  }
});
