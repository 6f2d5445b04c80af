/**
 * Fuzzed bodies against every upload and parse route (issue 8, Deliver 2): a real server on the
 * local runtime (bubblewrap), real HTTP. Each route gets 20 hostile bodies from a fixed seed —
 * truncated, bit-flipped, spliced, repeated, garbage, one just over its limit — and a request
 * whose body stops short of its Content-Length. Every answer is a success or a 4xx in c8s's
 * error format (a `code` from the codes table, with that code's status): never a 5xx, never a
 * crash; after each case `/healthz` answers 200. A failure names seed, case and mutation.
 * A new route is one more row.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { pack } from "tar-stream";
import { ERROR_CODES, isErrorCode } from "../../../src/errors/index.ts";
import { FUZZ_SEED, fuzzCase } from "../../fixtures/fuzz.ts";
import { startTestServer, type TestServer } from "../../fixtures/server.ts";

const UPLOAD_LIMIT = 256 * 1024;
const WEBHOOK_LIMIT = 64 * 1024;
const GITHUB_SECRET = "fuzz-gh-secret";
const GITLAB_TOKEN = "fuzz-gl-token";
const CASES = 20;
/** A repository that does not exist: a run a fuzzed body happens to queue fails at its clone. */
const NO_REPO = "/nonexistent/c8s-fuzz.git";

let t: TestServer;
let sandbox: string;
let session: string;

interface Sent {
  status: number;
  body: string;
  /** A sandbox the request created (deleted after the case). */
  created?: string;
}

interface RouteRow {
  name: string;
  valid: Buffer;
  /** The route's body limit: the oversized case sends one byte more. */
  limit: number;
  send(body: Buffer): Promise<Sent>;
  /** Statuses this route may answer besides 4xx errors (its successes). */
  ok: number[];
  /** When set, every case must answer exactly this (e.g. 401 without a signature). */
  always?: number;
  /** What one byte over the limit answers (default 413). */
  overStatus?: number;
}

async function http(method: string, path: string, body: Buffer, headers: Record<string, string>): Promise<Sent> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: await res.text() };
}

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${t.token}` });
const json = (): Record<string, string> => ({ ...bearer(), "content-type": "application/json" });
const sign = (body: Buffer): string => `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;

async function tarOf(entries: Array<[string, string]>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of entries) p.entry({ name }, content);
  p.finalize();
  const out: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) out.push(c);
  return Buffer.concat(out);
}

const pipelineYaml = Buffer.from(
  "version: v1alpha1\nname: fuzz\non:\n  push: { branches: [main] }\nsteps:\n" +
    '  - name: a\n    commands: ["echo a"]\n  - name: b\n    dependsOn: [a]\n    matrix: { n: [1, 2] }\n' +
    '    commands: ["echo ${{ matrix.n }}"]\n    timeout: 1m\n',
);
const githubPush = Buffer.from(
  JSON.stringify({
    ref: "refs/heads/main",
    after: "0123456789abcdef0123456789abcdef01234567",
    repository: { clone_url: NO_REPO },
  }),
);
const gitlabPush = Buffer.from(
  JSON.stringify({
    object_kind: "push",
    ref: "refs/heads/main",
    checkout_sha: "0123456789abcdef0123456789abcdef01234567",
    project: { git_http_url: NO_REPO },
  }),
);

let caseNo = 0;
const rows = (archive: Buffer): RouteRow[] => [
  {
    name: "PUT /v1/sandboxes/:id/files (raw)",
    valid: Buffer.from("#!/bin/sh\necho hello\n".repeat(50)),
    limit: UPLOAD_LIMIT,
    ok: [204],
    send: (body) =>
      http("PUT", `/v1/sandboxes/${sandbox}/files?path=fuzz/raw-${caseNo}`, body, {
        ...bearer(),
        "content-type": "application/octet-stream",
      }),
  },
  {
    name: "PUT /v1/sandboxes/:id/files with a fuzzed ?path",
    valid: Buffer.from("fuzz/dir/sub/file.txt"),
    limit: 4096,
    overStatus: 400,
    ok: [204],
    send: (path) =>
      http(
        "PUT",
        `/v1/sandboxes/${sandbox}/files?path=${encodeURIComponent(path.toString("latin1"))}`,
        Buffer.from("x"),
        {
          ...bearer(),
          "content-type": "application/octet-stream",
        },
      ),
  },
  {
    name: "PUT /v1/sandboxes/:id/files/tar",
    valid: archive,
    limit: UPLOAD_LIMIT,
    ok: [204],
    send: (body) =>
      http("PUT", `/v1/sandboxes/${sandbox}/files/tar?path=fuzz/tar-${caseNo}`, body, {
        ...bearer(),
        "content-type": "application/x-tar",
      }),
  },
  {
    name: "POST /v1/runs with a fuzzed inline pipeline",
    valid: pipelineYaml,
    // The JSON around it adds a few bytes: the oversized case is still over the JSON limit.
    limit: UPLOAD_LIMIT,
    ok: [201],
    send: (yaml) =>
      http(
        "POST",
        "/v1/runs",
        Buffer.from(JSON.stringify({ repoUrl: NO_REPO, pipelineYaml: yaml.toString() })),
        json(),
      ),
  },
  {
    name: "POST /v1/runs with a fuzzed JSON body",
    valid: Buffer.from(JSON.stringify({ repoUrl: NO_REPO, branch: "main", pipelineYaml: pipelineYaml.toString() })),
    limit: UPLOAD_LIMIT,
    ok: [201],
    send: (body) => http("POST", "/v1/runs", body, json()),
  },
  {
    name: "POST /v1/webhooks/github, signed",
    valid: githubPush,
    limit: WEBHOOK_LIMIT,
    ok: [200],
    send: (body) =>
      http("POST", "/v1/webhooks/github", body, {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-hub-signature-256": sign(body),
      }),
  },
  {
    name: "POST /v1/webhooks/github, unsigned",
    valid: githubPush,
    limit: WEBHOOK_LIMIT,
    ok: [],
    always: 401,
    send: (body) =>
      http("POST", "/v1/webhooks/github", body, { "content-type": "application/json", "x-github-event": "push" }),
  },
  {
    name: "POST /v1/webhooks/gitlab, with its token",
    valid: gitlabPush,
    limit: WEBHOOK_LIMIT,
    ok: [200],
    send: (body) =>
      http("POST", "/v1/webhooks/gitlab", body, {
        "content-type": "application/json",
        "x-gitlab-event": "Push Hook",
        "x-gitlab-token": GITLAB_TOKEN,
      }),
  },
  {
    name: "POST /v1/webhooks/gitlab, a wrong token",
    valid: gitlabPush,
    limit: WEBHOOK_LIMIT,
    ok: [],
    always: 401,
    send: (body) =>
      http("POST", "/v1/webhooks/gitlab", body, {
        "content-type": "application/json",
        "x-gitlab-token": `${GITLAB_TOKEN}x`,
      }),
  },
  {
    name: "POST /v1/sandboxes (create)",
    valid: Buffer.from(JSON.stringify({ env: { A: "1" }, labels: { k: "v" }, ttlMs: 60_000, network: "none" })),
    limit: UPLOAD_LIMIT,
    ok: [201],
    send: async (body) => {
      const sent = await http("POST", "/v1/sandboxes", body, json());
      if (sent.status === 201) sent.created = (JSON.parse(sent.body) as { id: string }).id;
      return sent;
    },
  },
  {
    name: "POST /v1/sandboxes/:id/exec",
    valid: Buffer.from(JSON.stringify({ command: ["echo", "fuzz"], env: { A: "1" }, timeoutMs: 5000, stdin: "x" })),
    limit: UPLOAD_LIMIT,
    ok: [200],
    send: (body) => http("POST", `/v1/sandboxes/${sandbox}/exec`, body, json()),
  },
  {
    name: "PUT /v1/sessions/:id/files/* (raw)",
    valid: Buffer.from("print('hello')\n".repeat(50)),
    limit: UPLOAD_LIMIT,
    ok: [200],
    send: (body) =>
      http("PUT", `/v1/sessions/${session}/files/fuzz/raw-${caseNo % 5}`, body, {
        ...bearer(),
        "content-type": "application/octet-stream",
      }),
  },
  {
    name: "PUT /v1/sessions/:id/files/* with a fuzzed path",
    valid: Buffer.from("fuzz/dir/sub/file.txt"),
    limit: 4096,
    overStatus: 400,
    ok: [200],
    send: (path) =>
      http(
        "PUT",
        `/v1/sessions/${session}/files/${path
          .toString("latin1")
          .split("/")
          .map((segment) => encodeURIComponent(segment))
          .join("/")}`,
        Buffer.from("x"),
        { ...bearer(), "content-type": "application/octet-stream" },
      ),
  },
  {
    name: "POST /v1/sessions/:id/exec",
    valid: Buffer.from(JSON.stringify({ command: ["sh", "-c", "echo fuzz > f.txt"], timeoutMs: 5000, stdin: "x" })),
    limit: UPLOAD_LIMIT,
    ok: [200],
    send: (body) => http("POST", `/v1/sessions/${session}/exec`, body, json()),
  },
];

/** A success this route may give, or a 4xx whose body is c8s's error with a known code and its status. */
function assertAnswer(row: RouteRow, sent: Sent, where: string, oversized: boolean): void {
  const shown = `${where}: ${sent.status} ${sent.body.slice(0, 300)}`;
  // The body limit comes first: an oversized body is 413 before any signature is checked.
  if (oversized) assert.equal(sent.status, row.overStatus ?? 413, shown);
  else if (row.always !== undefined) assert.equal(sent.status, row.always, shown);
  if (row.ok.includes(sent.status)) return;
  assert.ok(sent.status >= 400 && sent.status < 500, `not a success and not a 4xx: ${shown}`);
  const error = (JSON.parse(sent.body) as { error?: { code?: unknown } }).error;
  assert.ok(isErrorCode(error?.code), `no c8s error code: ${shown}`);
  assert.equal(ERROR_CODES[error.code], sent.status, `the code's status is not the answer's: ${shown}`);
}

async function assertHealthy(where: string): Promise<void> {
  const res = await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200, `${where}: /healthz answered ${res.status}`);
}

/** Sends headers announcing `announced` bytes, `sent` of them, then hangs up. */
async function cutShort(head: string, sent: Buffer, announced: number): Promise<void> {
  const url = new URL(t.url);
  await new Promise<void>((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`${head}\r\nhost: ${url.host}\r\ncontent-length: ${announced}\r\n\r\n`);
      socket.write(sent, () => socket.end());
    });
    socket.setTimeout(3000, () => socket.destroy());
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
    socket.resume();
  });
}

void describe("fuzzed bodies against upload and parse routes (security)", { timeout: 90_000 }, () => {
  let archive: Buffer;
  before(async () => {
    t = await startTestServer(
      {
        bodyLimitBytes: UPLOAD_LIMIT,
        uploadLimitBytes: UPLOAD_LIMIT,
        sessions: { maxFileBytes: UPLOAD_LIMIT, maxFiles: 1000 },
      },
      {
        pipelines: {
          githubWebhookSecret: GITHUB_SECRET,
          gitlabWebhookSecret: GITLAB_TOKEN,
          webhookMaxBodyBytes: WEBHOOK_LIMIT,
          queue: { maxRuns: 1 },
        },
      },
    );
    sandbox = await t.createSandbox();
    const made = await t.api("POST", "/v1/sessions", { body: {} });
    assert.equal(made.statusCode, 201, made.body);
    session = (made.json() as { id: string }).id;
    archive = await tarOf([
      ["a.txt", "hello\n"],
      ["dir/b.txt", "x".repeat(3000)],
      ["dir/c.txt", "after\n"],
    ]);
  });
  after(async () => {
    await t?.close();
  });

  void it("every route: 20 hostile bodies, each a success or a c8s 4xx; /healthz after each", async () => {
    for (const [r, row] of rows(archive).entries()) {
      const seed = FUZZ_SEED + r;
      for (let index = 0; index < CASES; index++) {
        caseNo += 1;
        const oversized = index === CASES - 1;
        const { kind, input } = oversized
          ? { kind: "oversized", input: Buffer.alloc(row.limit + 1, 0x61) }
          : fuzzCase(seed, index, row.valid, row.limit);
        const where = `${row.name}: seed ${seed} case ${index} (${kind}, ${input.length} bytes)`;
        const sent = await row.send(input);
        assertAnswer(row, sent, where, oversized);
        if (sent.created !== undefined) await t.api("DELETE", `/v1/sandboxes/${sent.created}`);
        await assertHealthy(where);
      }
    }
  });

  void it("a body cut short of its Content-Length on each route leaves the server serving", async () => {
    const cuts: Array<[string, string, Buffer]> = [
      [
        "raw file",
        `PUT /v1/sandboxes/${sandbox}/files?path=fuzz/cut HTTP/1.1\r\nauthorization: Bearer ${t.token}`,
        Buffer.alloc(3000, 1),
      ],
      [
        "tar",
        `PUT /v1/sandboxes/${sandbox}/files/tar?path=fuzz/cut HTTP/1.1\r\nauthorization: Bearer ${t.token}\r\ncontent-type: application/x-tar`,
        archive.subarray(0, 1500),
      ],
      [
        "runs",
        `POST /v1/runs HTTP/1.1\r\nauthorization: Bearer ${t.token}\r\ncontent-type: application/json`,
        Buffer.from('{"repoUrl":"'),
      ],
      [
        "github",
        `POST /v1/webhooks/github HTTP/1.1\r\ncontent-type: application/json\r\nx-hub-signature-256: ${sign(githubPush)}`,
        githubPush.subarray(0, 20),
      ],
      [
        "create",
        `POST /v1/sandboxes HTTP/1.1\r\nauthorization: Bearer ${t.token}\r\ncontent-type: application/json`,
        Buffer.from('{"env":'),
      ],
    ];
    for (const [name, head, sent] of cuts) {
      await cutShort(head, sent, sent.length + 10_000);
      await assertHealthy(`cut short: ${name}`);
    }
    // The sandbox still serves files after every cut upload.
    const list = await t.api("GET", `/v1/sandboxes/${sandbox}/files/list?path=fuzz`);
    assert.equal(list.statusCode, 200, list.body);
  });

  void it(
    "a sandbox file with an mtime no Date holds (tmpfs takes `touch -d @1e14`) lists and stats as 200",
    {},
    async () => {
      const ex = await t.api("POST", `/v1/sandboxes/${sandbox}/exec`, {
        body: { command: ["sh", "-c", "touch -d @100000000000000 /tmp/far"] },
      });
      assert.equal(ex.statusCode, 200, ex.body);
      const list = await t.api("GET", `/v1/sandboxes/${sandbox}/files/list?path=/tmp`);
      const stat = await t.api("GET", `/v1/sandboxes/${sandbox}/files/stat?path=/tmp/far`);
      await assertHealthy("far-future mtime");
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(stat.statusCode, 200, stat.body);
    },
  );
});
