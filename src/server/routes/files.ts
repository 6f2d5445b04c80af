/** /v1/sandboxes/:id/files: raw bytes in and out, list, stat, mkdir, remove, tar in and out. */
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  errorResponse,
  fileEntryResponse,
  fileListResponse,
  listQuery,
  mkdirBody,
  pathQuery,
  removeQuery,
  sandboxParams,
  writeFileQuery,
} from "../api-schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { payloadTooLarge } from "../http-errors.ts";
import { acceptStreamedBodies, limitStream } from "../raw-body.ts";
import { defineRoute } from "../route-registry.ts";

const TAG = "files";
const pathErrors = {
  400: { description: "Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …).", schema: errorResponse },
  404: { description: "No such sandbox or file.", schema: errorResponse },
  409: { description: "The sandbox is not running (SANDBOX_NOT_RUNNING).", schema: errorResponse },
};

export async function fileRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { engine, registry } = deps;

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id/files",
    summary: "Read a file's bytes.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: sandboxParams,
    query: pathQuery,
    responses: { 200: { description: "The file's contents.", contentType: "application/octet-stream" }, ...pathErrors },
    handler: async ({ params, query, reply }) => {
      const data = await engine.readFileStream(params.id, query.path);
      return reply.type("application/octet-stream").send(data);
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id/files/list",
    summary: "List a directory.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: sandboxParams,
    query: listQuery,
    responses: { 200: { description: "Its entries.", schema: fileListResponse }, ...pathErrors },
    handler: async ({ params, query }) => ({ entries: await engine.listFiles(params.id, query.path) }),
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id/files/stat",
    summary: "Describe one file or directory (symlinks are not followed).",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: sandboxParams,
    query: pathQuery,
    responses: { 200: { description: "The entry.", schema: fileEntryResponse }, ...pathErrors },
    handler: async ({ params, query }) => engine.statFile(params.id, query.path),
  });

  defineRoute(app, registry, {
    method: "POST",
    url: "/v1/sandboxes/:id/files/mkdir",
    summary: "Create a directory.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: sandboxParams,
    body: mkdirBody,
    bodyLimit: deps.limits.jsonBytes,
    responses: { 204: { description: "Created." }, ...pathErrors },
    handler: async ({ params, body, reply }) => {
      await engine.mkdir(params.id, body.path, body.recursive === undefined ? {} : { recursive: body.recursive });
      return reply.status(204).send();
    },
  });

  defineRoute(app, registry, {
    method: "DELETE",
    url: "/v1/sandboxes/:id/files",
    summary: "Remove a file, or a directory with `recursive=true`.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:write",
    owns: "sandbox",
    params: sandboxParams,
    query: removeQuery,
    responses: { 204: { description: "Removed." }, ...pathErrors },
    handler: async ({ params, query, reply }) => {
      await engine.removeFile(
        params.id,
        query.path,
        query.recursive === undefined ? {} : { recursive: query.recursive },
      );
      return reply.status(204).send();
    },
  });

  defineRoute(app, registry, {
    method: "GET",
    url: "/v1/sandboxes/:id/files/tar",
    summary: "Download a directory's contents as a tar stream.",
    tag: TAG,
    auth: "token",
    scope: "sandboxes:read",
    owns: "sandbox",
    params: sandboxParams,
    query: pathQuery,
    responses: {
      200: { description: "A tar archive, entries relative to the directory.", contentType: "application/x-tar" },
      ...pathErrors,
    },
    handler: async ({ params, query, reply }) => {
      const tar = await engine.tarOut(params.id, query.path);
      return reply.type("application/x-tar").send(tar);
    },
  });

  /** The upload as a stream that fails with PAYLOAD_TOO_LARGE past the limit (a declared length over it fails now). */
  const upload = (request: FastifyRequest): Readable => {
    const declared = Number(request.headers["content-length"] ?? NaN);
    const source = (request.body as Readable | undefined) ?? request.raw;
    if (Number.isFinite(declared) && declared > deps.limits.fileUploadBytes) {
      source.resume();
      throw payloadTooLarge(deps.limits.fileUploadBytes);
    }
    return limitStream(source, deps.limits.fileUploadBytes);
  };

  await app.register(async (scope) => {
    acceptStreamedBodies(scope);
    defineRoute(scope, registry, {
      method: "PUT",
      url: "/v1/sandboxes/:id/files",
      summary:
        "Write a file (created or replaced) from the raw request body, streamed; a failed upload writes nothing.",
      tag: TAG,
      auth: "token",
      scope: "sandboxes:write",
      owns: "sandbox",
      params: sandboxParams,
      query: writeFileQuery,
      rawBody: { contentType: "application/octet-stream", description: "The file's new contents." },
      responses: {
        204: { description: "Written." },
        413: { description: "Body over the limit.", schema: errorResponse },
        ...pathErrors,
      },
      handler: async ({ params, query, request, reply }) => {
        await engine.writeFileStream(params.id, query.path, upload(request), {
          maxBytes: deps.limits.fileUploadBytes,
          ...(query.mode === undefined ? {} : { mode: query.mode }),
        });
        return reply.status(204).send();
      },
    });
    defineRoute(scope, registry, {
      method: "PUT",
      url: "/v1/sandboxes/:id/files/tar",
      summary:
        "Extract a tar stream into a directory (created if missing); tar-slip is rejected with PATH_OUTSIDE_SANDBOX.",
      tag: TAG,
      auth: "token",
      scope: "sandboxes:write",
      owns: "sandbox",
      params: sandboxParams,
      query: pathQuery,
      rawBody: { contentType: "application/x-tar", description: "A tar archive." },
      responses: {
        204: { description: "Extracted." },
        413: { description: "Body over the limit.", schema: errorResponse },
        ...pathErrors,
      },
      handler: async ({ params, query, request, reply }) => {
        await engine.tarIn(params.id, query.path, upload(request));
        return reply.status(204).send();
      },
    });
  });
}
