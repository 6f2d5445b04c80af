/** /v1/runs: submit (queue), list, get with steps, cancel, re-run (whole or from the failed step). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { RUN_STATES } from "../../store/runs-types.ts";
import { teamFilter } from "../access.ts";
import { errorResponse, STORED_QUOTA } from "../api-schemas.ts";
import { defineRoute } from "../route-registry.ts";
import type { PipelineRouteDeps } from "./runs-deps.ts";
import { publicRunSchema, toPublicRun } from "./runs-serialize.ts";
import { SECRET_NAME } from "./secrets.ts";

const TAG = "runs";

export const submitRunBody = z
  .strictObject({
    repoUrl: z.string().min(1).max(4096),
    commit: z.string().min(1).max(255).optional(),
    branch: z.string().min(1).max(255).optional(),
    event: z.enum(["push", "pull_request", "tag", "manual"]).optional(),
    pipelinePath: z.string().min(1).max(1024).optional(),
    pipelineYaml: z.string().min(1).optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    cancelPrevious: z.boolean().optional(),
    debug: z.boolean().optional().describe("Keep a failed step's sandbox to debug it (`c8s runs debug RUN STEP`)."),
    repoSecret: z
      .string()
      .regex(SECRET_NAME, "a secret name is an environment variable name: [A-Za-z_][A-Za-z0-9_]*")
      .optional()
      .describe(
        "A secret of the run's team to clone the https:// repository with: a token (sent as the password of user x-access-token) or username:password. Same boundary as any secret: the token needs secrets:use, the secret's policy must allow the run.",
      ),
  })
  .refine((b) => !(b.pipelinePath !== undefined && b.pipelineYaml !== undefined), {
    message: "give pipelinePath or pipelineYaml, not both",
    path: ["pipelineYaml"],
  });

export const runParams = z.strictObject({ id: z.string().min(1).max(100) });
const listQuery = z.strictObject({
  state: z.enum(RUN_STATES as [string, ...string[]]).optional(),
  pipeline: z.string().optional(),
  branch: z.string().optional(),
  team: z.string().min(1).max(63).optional().describe("Installation admins: only this team's runs."),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const rerunQuery = z.strictObject({
  from: z.enum(["failed"]).optional(),
  debug: z.enum(["true", "false"]).optional().describe("Keep a failed step's sandbox to debug it."),
});
const runResponse = publicRunSchema;
const REPO_URL_FORBIDDEN =
  "REPO_URL_FORBIDDEN: the server's clone policy refuses the repository URL (a local path, file://, http://, a private host).";

export async function runRoutes(app: FastifyInstance, deps: PipelineRouteDeps): Promise<void> {
  const { runs, registry, store } = deps;
  const responses = {
    200: { description: "The run with its steps and queue position.", schema: runResponse },
    404: { description: "No such run.", schema: errorResponse },
  };

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/runs",
    summary: "Queue a pipeline run of a repository at a commit or branch (pipeline file path or inline YAML).",
    tag: TAG,
    auth: "token",
    scope: "runs:write",
    body: submitRunBody,
    bodyLimit: deps.jsonBodyLimit,
    responses: {
      201: { description: "The queued run.", schema: runResponse },
      400: {
        description: "Invalid request or pipeline (a repoSecret with an ssh:// or credentialed URL).",
        schema: errorResponse,
      },
      403: {
        description:
          "An inline pipeline or a repoSecret naming secrets, from a token without secrets:use; a repoSecret whose policy does not allow the run.",
        schema: errorResponse,
      },
      404: {
        description: "SECRET_NOT_FOUND: the run's team has no secret named by repoSecret.",
        schema: errorResponse,
      },
      422: { description: REPO_URL_FORBIDDEN, schema: errorResponse },
      429: { description: STORED_QUOTA, schema: errorResponse },
    },
    handler: async ({ body, request, reply }) => {
      const auth = request.auth;
      const { debug, ...input } = body;
      const details = await runs.submit({
        ...input,
        trigger: {
          kind: "api",
          by: auth?.name ?? "",
          ...(auth ? { tokenId: auth.tokenId, secrets: auth.scopes.includes("secrets:use") } : {}),
          ...(debug === true ? { debug } : {}),
        },
        ...(auth ? { teamId: auth.teamId } : {}),
      });
      return reply.status(201).send(toPublicRun(details));
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/runs",
    summary: "Runs, newest first.",
    tag: TAG,
    auth: "token",
    scope: "runs:read",
    query: listQuery,
    responses: { 200: { description: "Runs (without steps).", schema: z.object({ runs: z.array(runResponse) }) } },
    handler: async ({ query, request }) => {
      const teamId = teamFilter(request.auth) ?? query.team;
      const list = await store.runs.list({
        ...(teamId === undefined ? {} : { teamId }),
        ...(query.state === undefined ? {} : { state: query.state as (typeof RUN_STATES)[number] }),
        ...(query.pipeline === undefined ? {} : { pipeline: query.pipeline }),
        ...(query.branch === undefined ? {} : { branch: query.branch }),
        limit: query.limit ?? 100,
      });
      const out = [];
      for (const run of list)
        out.push(
          toPublicRun(
            {
              run,
              steps: [],
              queuePosition: run.state === "queued" ? await store.runs.queuePosition(run.id) : null,
            },
            false,
          ),
        );
      return { runs: out };
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/runs/:id",
    summary: "One run with its steps.",
    tag: TAG,
    auth: "token",
    scope: "runs:read",
    owns: "run",
    params: runParams,
    responses,
    handler: async ({ params }) => toPublicRun(await runs.details(params.id)),
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/runs/:id/cancel",
    summary: "Cancel a queued or running run (its step sandboxes are destroyed).",
    tag: TAG,
    auth: "token",
    scope: "runs:write",
    owns: "run",
    params: runParams,
    responses,
    handler: async ({ params }) => toPublicRun(await runs.cancel(params.id)),
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/runs/:id/rerun",
    summary:
      "Queue the run again at the same commit; ?from=failed reuses the steps that succeeded, ?debug=true keeps a failed step's sandbox.",
    tag: TAG,
    auth: "token",
    scope: "runs:write",
    owns: "run",
    params: runParams,
    query: rerunQuery,
    responses: {
      ...responses,
      201: { description: "The new run.", schema: runResponse },
      403: {
        description: "The run's repoSecret, from a token without secrets:use or outside the secret's policy.",
        schema: errorResponse,
      },
      422: { description: REPO_URL_FORBIDDEN, schema: errorResponse },
      429: { description: STORED_QUOTA, schema: errorResponse },
    },
    handler: async ({ params, query, request, reply }) => {
      const details = await runs.rerun(params.id, {
        fromFailed: query.from === "failed",
        debug: query.debug === "true",
        by: `${request.auth?.name ?? ""} (re-run of ${params.id})`,
        ...(request.auth
          ? { trigger: { tokenId: request.auth.tokenId, secrets: request.auth.scopes.includes("secrets:use") } }
          : {}),
      });
      return reply.status(201).send(toPublicRun(details));
    },
  });
}
