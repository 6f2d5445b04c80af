/**
 * The dashboard: server-rendered pages at `/` (the API stays under `/v1`), htmx for the live
 * parts, assets from c8s itself. Registered by the composition root after the API; its HTML
 * routes are not API routes and are not in /openapi.json. Sign-in exchanges a token for a
 * session cookie (src/server/browser-sessions.ts); every form carries the session's CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hashToken, refuseUnusable } from "../server/auth.ts";
import {
  type BrowserSessions,
  CSRF_HEADER,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  checkCsrf,
  cookieValue,
  sameOrigin,
} from "../server/browser-sessions.ts";
import type { PublicRun } from "../server/routes/runs-serialize.ts";
import type { Store } from "../store/types.ts";
import { assetRoutes, loadAssets } from "./assets.ts";
import { type ApiAnswer, type DashboardDeps, type Viewer, callApi, can, sendHtml, viewerOf } from "./context.ts";
import type { Html } from "./html.ts";
import { errorPage, layout, type Shell } from "./pages/layout.ts";
import { loginPage, safeNext } from "./pages/login.ts";
import { liveSection, runPage, type RunView } from "./pages/run.ts";
import { filterQuery, runFilters, runRows, runsPage } from "./pages/runs.ts";
import { type PublicSandbox, sandboxFilters, sandboxPage, sandboxRows, sandboxesPage } from "./pages/sandboxes.ts";
import { dagOf } from "./plan.ts";

export interface DashboardOptions {
  store: Store;
  sessions: BrowserSessions;
}

type Query = Record<string, unknown>;
const FORM_LIMIT_BYTES = 16 * 1024;

export async function registerDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { assets, files } = await loadAssets();
  const deps: DashboardDeps = { app, store: options.store, sessions: options.sessions, assets };
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_LIMIT_BYTES },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    assetRoutes(scope, files);
    authRoutes(scope, deps);
    runRoutes(scope, deps);
    sandboxRoutes(scope, deps);
  });
}

const shell = (deps: DashboardDeps, viewer: Viewer | undefined, title: string, extra: Partial<Shell> = {}): Shell => ({
  assets: deps.assets,
  viewer,
  title,
  ...extra,
});

/** The viewer, or a redirect to the sign-in page (htmx requests are told to navigate there). */
async function signedIn(
  deps: DashboardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Viewer | undefined> {
  const viewer = await viewerOf(deps, request);
  if (viewer !== undefined) return viewer;
  const next = `/login?next=${encodeURIComponent(request.url.replace(/[?&]part=[a-z]+/, ""))}`;
  if (request.headers["hx-request"] === "true") await reply.status(401).header("hx-redirect", next).send();
  else await reply.redirect(next, 303);
  return undefined;
}

function failed(
  deps: DashboardDeps,
  reply: FastifyReply,
  viewer: Viewer,
  answer: ApiAnswer,
  what: string,
): FastifyReply {
  const status = answer.status === 404 ? 404 : answer.status;
  const message = (answer.body as { error?: { message?: string } } | undefined)?.error?.message ?? "the request failed";
  const heading = status === 404 ? `No such ${what}` : status === 403 ? "Not allowed" : "Something went wrong";
  const text = status === 404 ? `There is no ${what} with this id in your team.` : message;
  return sendHtml(reply, status, errorPage(shell(deps, viewer, heading), status, heading, text));
}

function csrfOk(viewer: Viewer, request: FastifyRequest): boolean {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return checkCsrf(viewer.session, body["_csrf"] ?? request.headers[CSRF_HEADER]);
}

function refuseCsrf(deps: DashboardDeps, reply: FastifyReply, viewer: Viewer | undefined): FastifyReply {
  const heading = "Refused";
  return sendHtml(
    reply,
    403,
    errorPage(
      shell(deps, viewer, heading),
      403,
      heading,
      "The form did not carry this session's CSRF token. Reload the page and try again.",
    ),
  );
}

function page(
  deps: DashboardDeps,
  reply: FastifyReply,
  viewer: Viewer,
  title: string,
  body: Html,
  extra: Partial<Shell> = {},
) {
  return sendHtml(reply, 200, layout(shell(deps, viewer, title, extra), body));
}

function authRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get("/", async (request, reply) => reply.redirect((await viewerOf(deps, request)) ? "/runs" : "/login", 303));

  app.get("/login", async (request, reply) => {
    const next = safeNext((request.query as Query)["next"]);
    if (await viewerOf(deps, request)) return reply.redirect(next, 303);
    return sendHtml(reply, 200, loginPage(deps.assets, next, undefined));
  });

  app.post("/login", async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body["next"]);
    // No session exists yet to carry a CSRF token: a sign-in must come from this server's own page.
    if (request.headers.origin !== undefined && !sameOrigin(request)) return refuseCsrf(deps, reply, undefined);
    const token = typeof body["token"] === "string" ? body["token"].trim() : "";
    const record = token.length > 0 && token.length < 512 ? await deps.store.tokens.findByHash(hashToken(token)) : null;
    try {
      refuseUnusable(record, Date.now());
    } catch {
      return sendHtml(
        reply,
        401,
        loginPage(deps.assets, next, "That token is not valid (unknown, revoked or expired)."),
      );
    }
    const { id } = deps.sessions.create(record.id);
    const secure = request.protocol === "https" ? "; Secure" : "";
    return reply
      .header(
        "set-cookie",
        `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure}`,
      )
      .redirect(next, 303);
  });

  app.post("/logout", async (request, reply) => {
    const viewer = await viewerOf(deps, request);
    if (viewer !== undefined && !csrfOk(viewer, request)) return refuseCsrf(deps, reply, viewer);
    deps.sessions.revoke(cookieValue(request.headers.cookie, SESSION_COOKIE));
    return reply
      .header("set-cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
      .redirect("/login", 303);
  });
}

function runRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get("/runs", async (request, reply) => {
    const viewer = await signedIn(deps, request, reply);
    if (viewer === undefined) return reply;
    const query = request.query as Query;
    const filters = runFilters(query);
    const q = filterQuery(filters);
    const answer = await callApi(deps, viewer, "GET", `/v1/runs?limit=100${q ? `&${q}` : ""}`);
    if (answer.status !== 200) return failed(deps, reply, viewer, answer, "runs");
    const runs = (answer.body as { runs: PublicRun[] }).runs;
    const now = Date.now();
    if (query["part"] === "rows") return sendHtml(reply, 200, runRows(runs, filters, now));
    return page(deps, reply, viewer, "Runs", runsPage(runs, filters, now), { section: "runs" });
  });

  app.get("/runs/:id", async (request, reply) => {
    const viewer = await signedIn(deps, request, reply);
    if (viewer === undefined) return reply;
    const { id } = request.params as { id: string };
    const query = request.query as Query;
    const answer = await callApi(deps, viewer, "GET", `/v1/runs/${encodeURIComponent(id)}`);
    if (answer.status !== 200) return failed(deps, reply, viewer, answer, "run");
    const run = answer.body as PublicRun;
    const steps = run.steps ?? [];
    const chosen =
      typeof query["step"] === "string" && steps.some((s) => s.name === query["step"]) ? query["step"] : undefined;
    const view: RunView = {
      run,
      dag: await dagOf(deps.store, run.id, steps),
      chosen,
      viewer,
      canWrite: can(viewer, "runs:write"),
    };
    const now = Date.now();
    if (query["part"] === "live") return sendHtml(reply, 200, liveSection(view, now));
    return page(deps, reply, viewer, `${run.pipeline} ${run.id}`, runPage(view, now), { section: "runs" });
  });

  for (const action of ["cancel", "rerun"] as const) {
    app.post(`/runs/:id/${action}`, async (request, reply) => {
      const viewer = await signedIn(deps, request, reply);
      if (viewer === undefined) return reply;
      if (!csrfOk(viewer, request)) return refuseCsrf(deps, reply, viewer);
      const { id } = request.params as { id: string };
      const fromFailed =
        action === "rerun" && (request.body as Record<string, unknown> | undefined)?.["from"] === "failed";
      const answer = await callApi(
        deps,
        viewer,
        "POST",
        `/v1/runs/${encodeURIComponent(id)}/${action}${fromFailed ? "?from=failed" : ""}`,
      );
      if (answer.status >= 300) return failed(deps, reply, viewer, answer, "run");
      return reply.redirect(`/runs/${encodeURIComponent((answer.body as PublicRun).id)}`, 303);
    });
  }
}

function sandboxRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get("/sandboxes", async (request, reply) => {
    const viewer = await signedIn(deps, request, reply);
    if (viewer === undefined) return reply;
    const query = request.query as Query;
    const filters = sandboxFilters(query);
    const q = new URLSearchParams({ limit: "100", ...filters }).toString();
    const answer = await callApi(deps, viewer, "GET", `/v1/sandboxes?${q}`);
    if (answer.status !== 200) return failed(deps, reply, viewer, answer, "sandboxes");
    const list = (answer.body as { sandboxes: PublicSandbox[] }).sandboxes;
    const now = Date.now();
    if (query["part"] === "rows") return sendHtml(reply, 200, sandboxRows(list, filters, now));
    return page(deps, reply, viewer, "Sandboxes", sandboxesPage(list, filters, now), { section: "sandboxes" });
  });

  app.get("/sandboxes/:id", async (request, reply) => {
    const viewer = await signedIn(deps, request, reply);
    if (viewer === undefined) return reply;
    const { id } = request.params as { id: string };
    const answer = await callApi(deps, viewer, "GET", `/v1/sandboxes/${encodeURIComponent(id)}`);
    if (answer.status !== 200) return failed(deps, reply, viewer, answer, "sandbox");
    const sandbox = answer.body as PublicSandbox;
    const body = sandboxPage(sandbox, deps.assets, can(viewer, "sandboxes:write"), Date.now());
    return page(deps, reply, viewer, sandbox.id, body, {
      section: "sandboxes",
      styles: [deps.assets.url("xterm.css")],
    });
  });
}
