/**
 * /v1/sessions: workspaces whose files live in the store (`sessions/session-service.ts`).
 * Another team's session answers exactly like a missing one (404 SESSION_NOT_FOUND; the
 * routes declare `owns: "session"`, checked by the auth hook before the body is read).
 * Files: raw bytes in and out, `ETag`/`If-Match` = the file's version (412 on a conflict).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { C8sError } from "../../errors/index.ts";
import type { SessionService } from "../../sessions/session-service.ts";
import { DEFAULT_TEAM } from "../../store/types.ts";
import { teamFilter } from "../access.ts";
import { errorResponse } from "../api-schemas.ts";
import { acceptBufferedBodies, bodyBuffer } from "../raw-body.ts";
import { defineRoute, type RouteRegistry } from "../route-registry.ts";
import {
  createSessionBody,
  fileInfo,
  fileView,
  listFilesQuery,
  sessionDetail,
  sessionExecBody,
  sessionExecResponse,
  sessionFileParams,
  sessionInfo,
  sessionParams,
  sessionView,
  writeFileQuery,
} from "./sessions-schemas.ts";

export interface SessionRouteDeps {
  sessions: SessionService;
  registry: RouteRegistry;
  jsonBodyLimit: number;
  /** The largest file a session stores (the PUT body limit). */
  maxFileBytes: number;
}

const TAG = "sessions";
const notFound = { description: "SESSION_NOT_FOUND: no such session in your team.", schema: errorResponse };
const pathErrors = {
  400: { description: "PATH_OUTSIDE_SANDBOX: '..', an absolute path or NUL.", schema: errorResponse },
  404: { description: "SESSION_NOT_FOUND, or FILE_NOT_FOUND.", schema: errorResponse },
};
const etagHeader = {
  ETag: { description: 'The file\'s version, quoted ("3").', schema: { type: "string" } },
};

/** `If-Match: "3"` → 3; `If-None-Match: *` → 0 (must not exist yet); neither → undefined. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const noneMatch = request.headers["if-none-match"];
  if (noneMatch === "*") return 0;
  const match = request.headers["if-match"];
  if (match === undefined) return undefined;
  const value = (Array.isArray(match) ? match[0] : match)?.trim().replace(/^W\//, "").replace(/^"|"$/g, "") ?? "";
  if (!/^\d{1,15}$/.test(value))
    throw new C8sError("INVALID_ARGUMENT", "If-Match must be a file version as its ETag gave it", {
      details: { header: "If-Match", value },
      hint: 'Send back the ETag of the read (e.g. If-Match: "3"), or If-None-Match: * to create only.',
    });
  return Number(value);
}

export async function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): Promise<void> {
  const { sessions, registry } = deps;
  const load = (request: FastifyRequest, id: string) => sessions.get(id, teamFilter(request.auth));

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sessions",
    summary: "Create a session: a workspace whose files live in the store, with a sandbox attached on first use.",
    tag: TAG,
    auth: "token",
    scope: "sessions:write",
    body: createSessionBody,
    bodyLimit: deps.jsonBodyLimit,
    responses: {
      201: { description: "Created.", schema: sessionInfo },
      422: {
        description: "LIMIT_EXCEEDED: a lifetime or limit above the installation's ceiling.",
        schema: errorResponse,
      },
    },
    handler: async ({ body, request, reply }) => {
      const record = await sessions.create({
        teamId: request.auth?.teamId ?? DEFAULT_TEAM,
        createdBy: request.auth?.tokenId ?? null,
        name: body.name,
        spec: {
          ...(body.image === undefined ? {} : { image: body.image }),
          ...(body.env === undefined ? {} : { env: body.env }),
          ...(body.limits === undefined ? {} : { limits: body.limits }),
          ...(body.ignore === undefined ? {} : { ignore: body.ignore }),
        },
        idleTimeoutMs: body.idleTimeoutMs,
        maxLifetimeMs: body.maxLifetimeMs,
      });
      return reply.status(201).send(sessionView(record));
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sessions",
    summary: "The team's sessions, newest first; an admin sees every team's.",
    tag: TAG,
    auth: "token",
    scope: "sessions:read",
    responses: { 200: { description: "Sessions.", schema: z.object({ sessions: z.array(sessionInfo) }) } },
    handler: async ({ request }) => ({ sessions: (await sessions.list(teamFilter(request.auth))).map(sessionView) }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sessions/:id",
    summary: "One session, with its file count and bytes.",
    tag: TAG,
    auth: "token",
    scope: "sessions:read",
    owns: "session",
    params: sessionParams,
    responses: { 200: { description: "The session.", schema: sessionDetail }, 404: notFound },
    handler: async ({ params, request }) => {
      const record = await load(request, params.id);
      return { ...sessionView(record), usage: await sessions.usage(record.id) };
    },
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/sessions/:id",
    summary: "Delete a session: its sandbox is stopped and its files are deleted.",
    tag: TAG,
    auth: "token",
    scope: "sessions:write",
    owns: "session",
    params: sessionParams,
    responses: { 204: { description: "Deleted." }, 404: notFound },
    handler: async ({ params, request, reply }) => {
      await sessions.remove(params.id, teamFilter(request.auth));
      return reply.status(204).send();
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sessions/:id/files",
    summary: "List the workspace's files (all, or those below `dir`), by path.",
    tag: TAG,
    auth: "token",
    scope: "sessions:read",
    owns: "session",
    params: sessionParams,
    query: listFilesQuery,
    responses: { 200: { description: "Files.", schema: z.object({ files: z.array(fileInfo) }) }, ...pathErrors },
    handler: async ({ params, query, request }) => {
      const record = await load(request, params.id);
      return { files: (await sessions.listFiles(record, query.dir)).map(fileView) };
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sessions/:id/files/*",
    summary: "Read a file's bytes from the store (a symlink's bytes are empty; see its linkTarget in the list).",
    tag: TAG,
    auth: "token",
    scope: "sessions:read",
    owns: "session",
    params: sessionFileParams,
    responses: {
      200: { description: "The file.", contentType: "application/octet-stream", headers: etagHeader },
      ...pathErrors,
    },
    handler: async ({ params, request, reply }) => {
      const record = await load(request, params.id);
      const file = await sessions.readFile(record, params["*"]);
      return reply.type("application/octet-stream").header("etag", `"${file.version}"`).send(file.content);
    },
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/sessions/:id/files/*",
    summary: "Delete a file (from the store, then from the attached sandbox); If-Match checks its version.",
    tag: TAG,
    auth: "token",
    scope: "sessions:write",
    owns: "session",
    params: sessionFileParams,
    responses: {
      204: { description: "Deleted." },
      412: { description: "FILE_VERSION_CONFLICT: If-Match is not the file's version.", schema: errorResponse },
      ...pathErrors,
    },
    handler: async ({ params, request, reply }) => {
      const record = await load(request, params.id);
      await sessions.removeFile(record, params["*"], { ifVersion: expectedVersion(request) });
      return reply.status(204).send();
    },
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sessions/:id/exec",
    summary:
      "Run a command in the session's sandbox (attaching a fresh one, files restored, if there is none or it died) and wait for it; its file changes are committed to the store before this returns.",
    tag: TAG,
    auth: "token",
    scope: "sessions:write",
    owns: "session",
    params: sessionParams,
    body: sessionExecBody,
    bodyLimit: deps.jsonBodyLimit,
    responses: { 200: { description: "The finished command.", schema: sessionExecResponse }, 404: notFound },
    handler: async ({ params, body, request }) => {
      const record = await load(request, params.id);
      const stdin =
        body.stdinBase64 !== undefined
          ? Buffer.from(body.stdinBase64, "base64")
          : body.stdin !== undefined
            ? Buffer.from(body.stdin, "utf8")
            : undefined;
      const result = await sessions.exec(record, {
        command: body.command,
        env: body.env,
        timeoutMs: body.timeoutMs,
        stdin,
      });
      return {
        ...result,
        stdout: result.stdout.toString("utf8"),
        stderr: result.stderr.toString("utf8"),
        encoding: "utf8" as const,
      };
    },
  });

  await app.register(async (scope) => {
    acceptBufferedBodies(scope, deps.maxFileBytes);
    defineRoute(scope, registry, {
      method: "PUT",
      url: "/v1/sessions/:id/files/*",
      summary:
        "Write a file from the raw body: committed to the store before this returns (durable), then applied to the attached sandbox. If-Match: the version you read (412 if it changed); If-None-Match: * to create only.",
      tag: TAG,
      auth: "token",
      scope: "sessions:write",
      owns: "session",
      params: sessionFileParams,
      query: writeFileQuery,
      rawBody: { contentType: "application/octet-stream", description: "The file's new contents." },
      responses: {
        200: { description: "Written; the file's new version.", schema: fileInfo, headers: etagHeader },
        412: {
          description: "FILE_VERSION_CONFLICT: someone saved it since the version you name.",
          schema: errorResponse,
        },
        413: {
          description: "FILE_TOO_LARGE (one file), SESSION_QUOTA_EXCEEDED (file count or total bytes).",
          schema: errorResponse,
        },
        ...pathErrors,
      },
      handler: async ({ params, query, request, reply }) => {
        const record = await load(request, params.id);
        const meta = await sessions.writeFile(record, params["*"], bodyBuffer(request.body), {
          ifVersion: expectedVersion(request),
          mode: query.mode,
        });
        return reply.header("etag", `"${meta.version}"`).send(fileView(meta));
      },
    });
  });
}
