/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against a real
 * `c8s serve` child on the local runtime. Sign-in, a run going green live, a failing step's
 * log, re-run, a sandbox terminal, a viewer's page, CSRF, another team's run, logout, and a
 * cross-site WebSocket. Skipped (with the reason) when /usr/bin/chromium is absent.
 * Screenshots go to $C8S_DASHBOARD_SHOTS or a temp dir (docs/images/ holds chosen ones).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { WebSocket } from "ws";
import { type CliServer, startCliServer } from "../fixtures/cli-server.ts";
import { createTestRepository, type TestRepository } from "../fixtures/git.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is absent (scripts/install.sh --test installs Debian's chromium)`;
const WAIT = 60_000;

const GREEN = `version: v1alpha1
name: green
steps:
  - name: build
    commands:
      - echo building
      - printf '\\033[31mred text\\033[0m plain\\n'
  - name: test
    dependsOn: [build]
    commands: ["sleep 1", "echo all good"]
`;
const RED = `version: v1alpha1
name: red
steps:
  - name: prepare
    commands: ["echo preparing"]
  - name: check
    dependsOn: [prepare]
    commands: ["echo before the failure", "echo 'FAILING LINE: expected 2, got 3' && exit 3"]
`;

let server: CliServer;
let browser: Browser;
let repo: TestRepository;
let shots: string;
const contexts: BrowserContext[] = [];

async function api<T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const submit = (pipelineYaml: string, token = server.token) =>
  api<{ id: string }>("POST", "/v1/runs", token, { repoUrl: repo.url, branch: "main", pipelineYaml });

async function signIn(token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  contexts.push(context);
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.fill("#token", token);
  await page.click("form[action='/login'] button[type=submit]");
  await page.waitForURL(/\/runs$/);
  return page;
}

/** The little of the DOM the page functions use (tsconfig has no DOM lib). */
interface Doc {
  querySelector(selector: string): { value: string } | null;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

void describe("dashboard in Chromium", { skip, timeout: 600_000 }, () => {
  let admin: Page;
  let greenRun: string;
  let redRun: string;
  let viewerToken: string;
  let otherTeamRun: string;

  before(
    async () => {
      shots = process.env["C8S_DASHBOARD_SHOTS"] ?? (await mkdtemp(join(tmpdir(), "c8s-dashboard-shots-")));
      await mkdir(shots, { recursive: true });
      server = await startCliServer();
      repo = await createTestRepository({ "README.md": "dashboard test\n" });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ["--no-sandbox"],
        timeout: WAIT,
      });
      viewerToken = (
        await api<{ token: string }>("POST", "/v1/tokens", server.token, { name: "watcher", role: "viewer" })
      ).token;
      await api("POST", "/v1/teams", server.token, { name: "other" });
      const otherToken = (
        await api<{ token: string }>("POST", "/v1/tokens", server.token, { name: "o", team: "other", role: "member" })
      ).token;
      otherTeamRun = (await submit(GREEN, otherToken)).id;
    },
    { timeout: 180_000 },
  );

  after(
    async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await server?.stop();
      await repo?.cleanup();
      process.stdout.write(`# dashboard screenshots in ${shots}\n`);
    },
    { timeout: 60_000 },
  );

  void test("c8s serve prints the dashboard URL; the admin token signs in and lands on the runs list", async () => {
    assert.match(server.output(), /dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    admin = await signIn(server.token);
    assert.equal(await admin.locator("h1").textContent(), "Runs");
    const cookie = (await admin.context().cookies()).find((c) => c.name === "c8s_session");
    assert.ok(cookie, "a session cookie is set");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.notEqual(cookie.value, server.token, "the cookie is a session id, not the token");
  });

  void test("a run goes from queued to green on its page without a reload; the DAG and the log follow", async () => {
    greenRun = (await submit(GREEN)).id;
    await admin.goto(`${server.url}/runs/${greenRun}`);
    const first = await admin.locator("#live").getAttribute("data-state");
    assert.ok(first === "queued" || first === "running", `the page opened before the run ended (${first})`);
    await admin.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
    await admin.locator("#live[data-state=succeeded]").waitFor({ timeout: WAIT });
    assert.equal(
      await admin.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
      1,
      "no reload happened",
    );
    assert.equal(await admin.locator("svg.dag g.node.st-succeeded").count(), 2, "both steps green in the DAG");
    assert.equal(await admin.locator("svg.dag path.edge").count(), 1, "build → test is drawn");
    await admin.goto(`${server.url}/runs/${greenRun}?step=build`);
    await admin.locator("#log-status", { hasText: "end of log" }).waitFor({ timeout: WAIT });
    const red = admin.locator("#log-text span.ansi-fg1");
    assert.equal(await red.textContent(), "red text", "ANSI red became a span");
    assert.ok(!(await admin.locator("#log-text").textContent())?.includes("\u001b"), "no escape bytes shown");
    await shot(admin, "run-green");
    await admin.goto(`${server.url}/runs`);
    await admin.locator(`#run-rows tr[data-run="${greenRun}"][data-state=succeeded]`).waitFor();
  });

  void test("a failing step's log shows the failing line; re-run from the failed step queues a new run", async () => {
    redRun = (await submit(RED)).id;
    await admin.goto(`${server.url}/runs/${redRun}`);
    await admin.locator("#live[data-state=failed]").waitFor({ timeout: WAIT });
    await admin.locator("#log-text", { hasText: "FAILING LINE: expected 2, got 3" }).waitFor({ timeout: WAIT });
    assert.equal(await admin.locator("#log-step").textContent(), "check", "the failed step's log is shown");
    await shot(admin, "run-failed");
    await admin.click("form[action$='/rerun']:has(input[name=from]) button");
    await admin.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(redRun));
    await admin.locator("#live[data-state=failed]").waitFor({ timeout: WAIT });
    const reused = admin.locator("#live tr[data-step=prepare]");
    assert.match((await reused.textContent()) ?? "", /reused/, "the succeeded step was reused");
    assert.match((await admin.locator("dl.facts").textContent()) ?? "", new RegExp(`Re-run of\\s*${redRun}`));
  });

  void test("re-run of a green run opens the new run, which goes green", async () => {
    await admin.goto(`${server.url}/runs/${greenRun}`);
    await admin.click("form[action$='/rerun']:not(:has(input[name=from])) button");
    await admin.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(greenRun));
    await admin.locator("#live[data-state=succeeded]").waitFor({ timeout: WAIT });
    await admin.goto(`${server.url}/runs`);
    await shot(admin, "runs");
  });

  void test("a sandbox's terminal: type echo hi and see hi", async () => {
    const sandbox = await api<{ id: string }>("POST", "/v1/sandboxes", server.token, { labels: { shown: "yes" } });
    await admin.goto(`${server.url}/sandboxes`);
    await admin.locator(`#sandbox-rows tr[data-sandbox="${sandbox.id}"]`).waitFor();
    await shot(admin, "sandboxes");
    await admin.goto(`${server.url}/sandboxes/${sandbox.id}`);
    await admin.locator("#terminal[data-connected=true]").waitFor({ timeout: WAIT });
    await admin.locator("#terminal .xterm-rows", { hasText: "$" }).waitFor({ timeout: WAIT });
    await admin.locator("#terminal").click();
    await admin.keyboard.type("echo hi\n");
    const rows = admin.locator("#terminal .xterm-rows > div");
    const deadline = Date.now() + WAIT;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = (await rows.allTextContents()).map((l) => l.replace(/\u00a0/g, " ").trim());
      if (lines.includes("hi")) break;
      await admin.waitForTimeout(200);
    }
    assert.ok(lines.includes("hi"), `the terminal shows 'hi' on its own line: ${JSON.stringify(lines)}`);
    await shot(admin, "terminal");
  });

  void test("a mutation without the CSRF token is 403 (dashboard form and API alike); with it, it passes", async () => {
    const statuses = await admin.evaluate(async (run) => {
      const form = await fetch(`/runs/${run}/rerun`, { method: "POST", body: new URLSearchParams({}) });
      const apiCall = await fetch(`/v1/runs/${run}/rerun`, { method: "POST" });
      const csrf =
        (globalThis as unknown as { document: Doc }).document.querySelector("input[name=_csrf]")?.value ?? "";
      const good = await fetch(`/v1/runs/${run}/rerun`, { method: "POST", headers: { "x-c8s-csrf": csrf } });
      return [form.status, apiCall.status, good.status];
    }, greenRun);
    assert.deepEqual(statuses, [403, 403, 201]);
  });

  void test("a WebSocket with the session cookie from another origin is refused; from the dashboard's origin it opens", async () => {
    const cookie = (await admin.context().cookies()).find((c) => c.name === "c8s_session")?.value ?? "";
    const sandbox = await api<{ id: string }>("POST", "/v1/sandboxes", server.token, {});
    const open = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${server.url.replace("http", "ws")}/v1/sandboxes/${sandbox.id}/exec/stream`, {
          headers: { cookie: `c8s_session=${cookie}`, origin },
        });
        const timer = setTimeout(() => reject(new Error("no answer")), 15_000);
        ws.on("unexpected-response", (_req, res) => (clearTimeout(timer), resolve(res.statusCode ?? 0)));
        ws.on("open", () => (clearTimeout(timer), ws.close(), resolve(101)));
        ws.on("error", () => undefined);
      });
    assert.equal(await open("http://evil.example"), 403);
    assert.equal(await open(server.url), 101);
  });

  void test("a viewer sees no mutating buttons and no terminal; another team's run is a 404 page", async () => {
    const viewer = await signIn(viewerToken);
    await viewer.goto(`${server.url}/runs/${redRun}`);
    await viewer.locator("#live[data-state=failed]").waitFor();
    assert.equal(await viewer.locator("main form[method=post]").count(), 0, "no cancel / re-run for a viewer");
    await shot(viewer, "run-viewer");
    const sandboxes = await api<{ sandboxes: { id: string; state: string }[] }>(
      "GET",
      "/v1/sandboxes?state=running",
      server.token,
    );
    const running = sandboxes.sandboxes[0];
    assert.ok(running);
    await viewer.goto(`${server.url}/sandboxes/${running.id}`);
    assert.equal(await viewer.locator("#terminal").count(), 0);
    assert.match((await viewer.locator("main").textContent()) ?? "", /lacks sandboxes:write/);
    const response = await viewer.goto(`${server.url}/runs/${otherTeamRun}`);
    assert.equal(response?.status(), 404);
    assert.match((await viewer.locator("h1").textContent()) ?? "", /No such run/);
    const missing = await viewer.goto(`${server.url}/runs/run_doesnotexist`);
    assert.equal(missing?.status(), 404, "the same page as a missing run");
  });

  void test("sign-out revokes the session: the old cookie no longer works, for pages or the API", async () => {
    const cookie = (await admin.context().cookies()).find((c) => c.name === "c8s_session")?.value ?? "";
    const before = await fetch(`${server.url}/v1/runs`, { headers: { cookie: `c8s_session=${cookie}` } });
    assert.equal(before.status, 200);
    await admin.goto(`${server.url}/runs`);
    await admin.click("form[action='/logout'] button");
    await admin.waitForURL(/\/login$/);
    const apiAfter = await fetch(`${server.url}/v1/runs`, { headers: { cookie: `c8s_session=${cookie}` } });
    assert.equal(apiAfter.status, 401);
    const pageAfter = await fetch(`${server.url}/runs`, {
      headers: { cookie: `c8s_session=${cookie}` },
      redirect: "manual",
    });
    assert.equal(pageAfter.status, 303);
    assert.match(pageAfter.headers.get("location") ?? "", /^\/login/);
    await shot(admin, "login");
  });
});
