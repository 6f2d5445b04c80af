/**
 * zod at the API edge: every body, query and path parameter is parsed here, and a failure
 * becomes one 400 `VALIDATION_FAILED` naming the offending field.
 */
import type { z } from "zod";
import { C8sError } from "../errors/index.ts";

export type InputSource = "body" | "query" | "params" | "message";

/** The dotted field name of the first issue (`limits.pids`, `command.0`, or an unknown key). */
export function fieldOfIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => String(p));
  if (issue.code === "unrecognized_keys" && issue.keys.length > 0) path.push(issue.keys[0] ?? "");
  return path.join(".");
}

export function validationError(error: z.ZodError, source: InputSource): C8sError {
  const issue = error.issues[0];
  const field = issue === undefined ? "" : fieldOfIssue(issue);
  const what =
    field === ""
      ? `the request ${source}`
      : `${source === "body" || source === "message" ? "" : `${source} `}field '${field}'`;
  const reason =
    issue?.code === "unrecognized_keys"
      ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${[...issue.path.map(String), k].join(".")}'`).join(", ")}`
      : `${what}: ${issue?.message ?? "invalid"}`;
  return new C8sError("VALIDATION_FAILED", `invalid ${source}: ${reason}`, {
    details: {
      source,
      field,
      issues: error.issues.slice(0, 20).map((i) => ({ field: fieldOfIssue(i), code: i.code, message: i.message })),
    },
    hint:
      issue?.code === "unrecognized_keys"
        ? `Remove '${field}'; the accepted fields are listed in /openapi.json.`
        : `Fix '${field || source}' and retry; the schema is in /openapi.json.`,
  });
}

/** Parses `value` with `schema` or throws VALIDATION_FAILED. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, source: InputSource): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, source);
  return result.data;
}
