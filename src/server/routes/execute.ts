/**
 * POST /v1/execute: one command in a sandbox made for it — from a template of the caller's team
 * (a warm-pool claim when the pool has one) or a plain spec — with optional stdin; the sandbox is
 * destroyed before the answer, whatever happened. Bounded: at most `EXECUTE_OUTPUT_BYTES` of each
 * stream (then `truncated`), `timeoutMs` default `EXECUTE_TIMEOUT_MS` (the installation's exec
 * ceiling applies), and the sandbox's TTL is the timeout plus a minute.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createSandboxSchema, runExecBodySchema, templateNameSchema } from "../../engine/index.ts";
import { isAdmin } from "../access.ts";
import { errorResponse } from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { defineRoute } from "../route-registry.ts";

export const EXECUTE_OUTPUT_BYTES = 1024 * 1024;
export const EXECUTE_TIMEOUT_MS = 30_000;

const executeBody = z
  .strictObject({
    template: templateNameSchema.optional(),
    sandbox: createSandboxSchema.omit({ template: true }).optional(),
    ...runExecBodySchema.shape,
  })
  .refine((v) => v.stdin === undefined || v.stdinBase64 === undefined, {
    message: "give stdin or stdinBase64, not both",
    path: ["stdinBase64"],
  });

const executeResponse = z.object({
  sandboxId: z.string(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  reason: z.enum(["exit", "signal", "timeout", "oom", "disk", "killed"]),
  durationMs: z.number(),
  stdout: z.string(),
  stderr: z.string(),
  encoding: z.enum(["utf8", "base64"]),
  truncated: z.boolean(),
});

export async function executeRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, registry, config } = deps;

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/execute",
    summary:
      "Create a sandbox (from `template`, a warm-pool claim when one is ready, or from `sandbox`), run one command with optional stdin, destroy it; at most 1 MiB of each stream is returned.",
    tag: "exec",
    auth: "token",
    scope: "sandboxes:write",
    query: z.object({ encoding: z.enum(["utf8", "base64"]).optional() }).strict(),
    body: executeBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: {
      200: { description: "The finished command (200 whatever its exit code).", schema: executeResponse },
      400: { description: "Invalid request.", schema: errorResponse },
      404: { description: "No such template in the caller's team (TEMPLATE_NOT_FOUND).", schema: errorResponse },
      422: { description: "A limit, lifetime or timeout over the installation's ceiling.", schema: errorResponse },
      429: { description: "The team's quota is used up (QUOTA_EXCEEDED).", schema: errorResponse },
      503: { description: "The server's sandbox limit is reached (SANDBOX_LIMIT_REACHED).", schema: errorResponse },
    },
    handler: async ({ body, query, request }) => {
      const timeoutMs = body.timeoutMs ?? Math.min(EXECUTE_TIMEOUT_MS, config.maxima.execTimeoutMs);
      const ttlMs = Math.min(timeoutMs + 60_000, config.maxima.ttlMs);
      const caller = { admin: isAdmin(request.auth), ...(request.auth ? { teamId: request.auth.teamId } : {}) };
      const sandbox = await engine.create(
        { ...body.sandbox, ...(body.template === undefined ? {} : { template: body.template }), ttlMs },
        caller,
      );
      try {
        const stdinData =
          body.stdinBase64 !== undefined
            ? Buffer.from(body.stdinBase64, "base64")
            : body.stdin !== undefined
              ? Buffer.from(body.stdin, "utf8")
              : undefined;
        const result = await engine.run(sandbox.id, {
          command: body.command,
          ...(body.env === undefined ? {} : { env: body.env }),
          ...(body.cwd === undefined ? {} : { cwd: body.cwd }),
          timeoutMs,
          stdin: stdinData !== undefined,
          ...(stdinData === undefined ? {} : { stdinData }),
        });
        const encoding = query.encoding ?? "utf8";
        const cut = (data: Buffer) => data.subarray(0, EXECUTE_OUTPUT_BYTES);
        return {
          sandboxId: sandbox.id,
          exitCode: result.exitCode,
          signal: result.signal,
          reason: result.reason,
          durationMs: result.durationMs,
          stdout: cut(result.stdout).toString(encoding),
          stderr: cut(result.stderr).toString(encoding),
          encoding,
          truncated:
            result.truncated ||
            result.stdout.length > EXECUTE_OUTPUT_BYTES ||
            result.stderr.length > EXECUTE_OUTPUT_BYTES,
        };
      } finally {
        await engine.destroy(sandbox.id).catch((error: unknown) => {
          request.log.warn({ err: error, sandboxId: sandbox.id }, "could not destroy a one-shot sandbox");
        });
      }
    },
  });
}
