/**
 * Builds the OpenAPI 3.1 document from the route registry's zod schemas (pure). The error body
 * is one schema (`components.schemas.Error`) and the error responses every route gives alike
 * (route-responses.ts) are declared once under `components.responses`.
 */
import { z } from "zod";
import { errorResponse } from "./api-schemas.ts";
import type { ResponseDoc, RouteDoc, RouteRegistry } from "./route-registry.ts";
import { SHARED_ERROR_RESPONSES } from "./route-responses.ts";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete out["$schema"];
  return out;
}

/** `/v1/sandboxes/:id` → `/v1/sandboxes/{id}`; a trailing `/*` → `/{path}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\/\*$/, "/{path}");
}

function operationId(route: RouteDoc): string {
  const words = route.url
    .split("/")
    .filter((p) => p.length > 0)
    .map((p) => (p.startsWith(":") ? `by_${p.slice(1)}` : p === "*" ? "by_path" : p.replace(/[^A-Za-z0-9]+/g, "_")));
  return [route.method.toLowerCase(), ...words].join("_");
}

function parameters(schema: z.ZodObject | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input");
  const properties = (object["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object["required"] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    // A trailing wildcard (`/files/*`) is the `{path}` parameter of the documented path.
    name: where === "path" && name === "*" ? "path" : name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property,
  }));
}

const ERROR_SCHEMA_REF = { $ref: "#/components/schemas/Error" };

function responseBody(doc: ResponseDoc): JsonSchema {
  const response: JsonSchema = { description: doc.description };
  if (doc.schema)
    response["content"] = {
      [doc.contentType ?? "application/json"]: {
        schema: doc.schema === errorResponse ? ERROR_SCHEMA_REF : jsonSchema(doc.schema, "output"),
      },
    };
  else if (doc.contentType)
    response["content"] = { [doc.contentType]: { schema: { type: "string", format: "binary" } } };
  if (doc.headers) response["headers"] = doc.headers;
  for (const type of doc.alternatives ?? [])
    response["content"] = {
      ...(response["content"] as JsonSchema | undefined),
      [type]: { schema: { description: "A stream of events (id, event, data)." } },
    };
  return response;
}

function response(doc: ResponseDoc): JsonSchema {
  return doc.shared === undefined ? responseBody(doc) : { $ref: `#/components/responses/${doc.shared}` };
}

function operation(route: RouteDoc): JsonSchema {
  const op: JsonSchema = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
    responses: Object.fromEntries(Object.entries(route.responses).map(([status, doc]) => [status, response(doc)])),
  };
  if (route.auth === "none") op["security"] = [];
  else if (route.auth === "admin") op["description"] = "Needs an installation admin's token (role `admin`).";
  if (route.scope !== undefined) {
    op["x-c8s-scope"] = route.scope;
    op["description"] =
      `Needs the scope \`${route.scope}\`${route.owns ? `; a ${route.owns} of another team is 404` : ""}.`;
  }
  if (route.websocket) op["x-websocket"] = true;
  if (route.body && "raw" in route.body) {
    op["requestBody"] = {
      required: false,
      description: route.body.description,
      content: { [route.body.raw]: { schema: { type: "string", format: "binary" } } },
    };
  } else if (route.body) {
    op["requestBody"] = {
      required: true,
      content: { "application/json": { schema: jsonSchema(route.body, "input") } },
    };
  }
  return op;
}

export function buildOpenApi(registry: RouteRegistry, version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of registry.routes) {
    const path = openApiPath(route.url);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "c8s API",
      version,
      description: "Run untrusted code in isolated sandboxes. Errors are {error: {code, message, hint?, details}}.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: jsonSchema(errorResponse, "output") },
      responses: Object.fromEntries(
        Object.entries(SHARED_ERROR_RESPONSES).map(([name, { description }]) => [
          name,
          responseBody({ description, schema: errorResponse }),
        ]),
      ),
    },
    paths,
  };
}
