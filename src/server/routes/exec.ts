/** Exec over plain HTTP: run to completion, background execs, their records, kill and stdin. */
import type { FastifyInstance } from "fastify";
import { C8sError } from "../../errors/index.ts";
import type { ExecSession, SandboxEngineApi } from "../../engine/types.ts";
import {
  errorResponse,
  execListResponse,
  execParams,
  execRecordResponse,
  killExecBody,
  runExecBody,
  runExecQuery,
  runExecResponse,
  sandboxParams,
  startExecBody,
  startExecResponse,
  stdinQuery,
} from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { acceptBufferedBodies, bodyBuffer } from "../raw-body.ts";
import { defineRoute } from "../route-registry.ts";
import { toPublicExec } from "../serialize.ts";

const TAG = "exec";

/** The live session of an exec that is still running (or still buffered), else a clear error. */
export async function liveExec(engine: SandboxEngineApi, sandboxId: string, execId: string): Promise<ExecSession> {
  const { record, live } = await engine.getExec(sandboxId, execId);
  if (live === null) {
    throw new C8sError(
      "CONFLICT",
      `exec ${execId} has ended (reason ${record.reason ?? "unknown"}); it takes no more input`,
      {
        details: { sandboxId, execId, state: record.state },
        hint: "Start a new exec.",
      },
    );
  }
  return live;
}

export async function execRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, registry } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sandboxes/:id/exec",
    summary: "Run a command to completion and return its output (200 whatever the exit code).",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: sandboxParams,
    query: runExecQuery,
    body: runExecBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      200: { description: "The finished command.", schema: runExecResponse },
      404: { description: "No such sandbox.", schema: errorResponse },
      409: { description: "The sandbox is not running.", schema: errorResponse },
      422: { description: "A timeout over the installation's ceiling (LIMIT_EXCEEDED).", schema: errorResponse },
    },
    handler: async ({ params, query, body }) => {
      const stdinData =
        body.stdinBase64 !== undefined
          ? Buffer.from(body.stdinBase64, "base64")
          : body.stdin !== undefined
            ? Buffer.from(body.stdin, "utf8")
            : undefined;
      const result = await engine.run(params.id, {
        command: body.command,
        env: body.env,
        cwd: body.cwd,
        timeoutMs: body.timeoutMs,
        stdin: stdinData !== undefined,
        stdinData,
      });
      const encoding = query.encoding ?? "utf8";
      return {
        execId: result.execId,
        exitCode: result.exitCode,
        signal: result.signal,
        reason: result.reason,
        durationMs: result.durationMs,
        stdout: result.stdout.toString(encoding),
        stderr: result.stderr.toString(encoding),
        encoding,
        truncated: result.truncated,
      };
    },
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sandboxes/:id/execs",
    summary: "Start a background exec; follow it with the attach WebSocket.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: sandboxParams,
    body: startExecBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      201: { description: "The exec started.", schema: startExecResponse },
      409: { description: "The sandbox is not running (SANDBOX_NOT_RUNNING).", schema: errorResponse },
      422: { description: "A timeout over the installation's ceiling (LIMIT_EXCEEDED).", schema: errorResponse },
    },
    handler: async ({ params, body, reply }) => {
      const session = await engine.exec(params.id, body);
      return reply.status(201).send({ execId: session.id });
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id/execs",
    summary: "List a sandbox's execs.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: sandboxParams,
    responses: { 200: { description: "Execs, newest first.", schema: execListResponse } },
    handler: async ({ params }) => ({ execs: (await engine.listExecs(params.id)).map(toPublicExec) }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id/execs/:execId",
    summary: "Get one exec.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: execParams,
    responses: {
      200: { description: "The exec.", schema: execRecordResponse },
      404: { description: "No such exec.", schema: errorResponse },
    },
    handler: async ({ params }) => toPublicExec((await engine.getExec(params.id, params.execId)).record),
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sandboxes/:id/execs/:execId/kill",
    summary: "Signal a running exec's process group (default SIGKILL).",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: execParams,
    body: killExecBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: { 204: { description: "Signalled." } },
    handler: async ({ params, body, reply }) => {
      const live = await liveExec(engine, params.id, params.execId);
      await live.kill(body.signal);
      return reply.status(204).send();
    },
  });

  await app.register(async (scope) => {
    acceptBufferedBodies(scope, deps.limits.uploadBytes);
    defineRoute(scope, registry, {
      method: "POST",
      url: "/v1/sandboxes/:id/execs/:execId/stdin",
      summary: "Write raw bytes to a background exec's stdin; `?eof=true` closes it afterwards.",
      tag: TAG,
      auth: "token",
      scope: "sandboxes:write",
      owns: "sandbox",
      params: execParams,
      query: stdinQuery,
      rawBody: { contentType: "application/octet-stream", description: "Bytes for the command's stdin." },
      bodyLimit: deps.limits.uploadBytes,
      responses: {
        204: { description: "Written." },
        409: { description: "The exec has ended.", schema: errorResponse },
      },
      handler: async ({ params, query, request, reply }) => {
        const live = await liveExec(engine, params.id, params.execId);
        const data = bodyBuffer(request.body);
        if (data.length > 0) await live.writeStdin(data);
        if (query.eof === true) await live.closeStdin();
        return reply.status(204).send();
      },
    });
  });
}
