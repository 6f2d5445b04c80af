/**
 * Turns zod issues for a pipeline document into positioned lint problems with a fix:
 * unknown keys get a did-you-mean from the schema's own key list.
 */
import { z } from "zod";
import { didYouMean } from "./did-you-mean.ts";
import type { LintProblem } from "./problems.ts";
import { pipelineSchema } from "./schema.ts";
import { locate, type YamlSource } from "./yaml-source.ts";

type Path = (string | number)[];

function cleanPath(path: readonly PropertyKey[]): Path {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

/** Object shapes reachable at `path` in the schema (several when unions hold objects). */
function shapesAt(schema: z.ZodType, path: Path): z.ZodObject[] {
  let current: z.ZodType[] = [schema];
  for (const segment of [...path, null]) {
    const next: z.ZodType[] = [];
    const expand = (s: z.ZodType): z.ZodType[] => {
      if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return expand(s.unwrap() as z.ZodType);
      if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap(expand);
      return [s];
    };
    const flat = current.flatMap(expand);
    if (segment === null) return flat.filter((s): s is z.ZodObject => s instanceof z.ZodObject);
    for (const s of flat) {
      if (s instanceof z.ZodObject && typeof segment === "string") {
        const child = (s.shape as Record<string, z.ZodType>)[segment];
        if (child) next.push(child);
      } else if (s instanceof z.ZodArray && typeof segment === "number") next.push(s.element as z.ZodType);
      else if (s instanceof z.ZodRecord) next.push(s.valueType as z.ZodType);
    }
    current = next;
  }
  return [];
}

function knownKeys(path: Path): string[] {
  return [...new Set(shapesAt(pipelineSchema, path).flatMap((s) => Object.keys(s.shape)))];
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Picks the union branch the author most likely meant: the one that got furthest. */
function bestUnionBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const score = (issues: z.core.$ZodIssue[]) =>
    issues.every((i) => i.code === "invalid_type" && i.path.length === 0) ? -1 : -issues.length;
  return [...branches].sort((a, b) => score(b) - score(a))[0];
}

function issueProblems(issue: z.core.$ZodIssue, prefix: Path, source: YamlSource, out: LintProblem[]): void {
  const path = [...prefix, ...cleanPath(issue.path)];
  const at = (key = false) => locate(source, path, { key });
  const where = path.length === 0 ? "the document" : path.join(".");
  if (issue.code !== "unrecognized_keys" && path.length > 0 && valueAt(source.value, path) === undefined) {
    const key = String(path[path.length - 1]);
    out.push({
      code: "MISSING_KEY",
      message: `missing required key '${key}'`,
      hint: `Add '${key}:' here.`,
      path,
      ...locate(source, path.slice(0, -1)),
    });
    return;
  }
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        const keyPath = [...path, key];
        out.push({
          code: "UNKNOWN_KEY",
          message: `unknown key '${key}' in ${where}`,
          hint:
            suggestion !== undefined
              ? `Did you mean '${suggestion}'?`
              : `Remove it; allowed keys here: ${known.join(", ")}.`,
          path: keyPath,
          ...locate(source, keyPath, { key: true }),
        });
      }
      return;
    }
    case "invalid_union": {
      const actual = valueAt(source.value, path);
      const branch = bestUnionBranch(issue.errors);
      if (branch && !branch.every((i) => i.code === "invalid_type" && i.path.length === 0)) {
        for (const inner of branch) issueProblems(inner, path, source, out);
        return;
      }
      const expected = [...new Set(issue.errors.flat().map((i) => (i.code === "invalid_type" ? i.expected : "")))]
        .filter(Boolean)
        .join(" or ");
      out.push({
        code: "WRONG_TYPE",
        message: `${where} must be ${expected || "another type"}, not ${describeValue(actual)}`,
        hint: "Change the value to one of the accepted forms (see `c8s schema`).",
        path,
        ...at(),
      });
      return;
    }
    case "invalid_type": {
      const actual = valueAt(source.value, path);
      out.push({
        code: "WRONG_TYPE",
        message: `${where} must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : issue.expected}, not ${describeValue(actual)}`,
        hint:
          issue.expected === "array"
            ? "Write it as a list: [a, b] or lines starting with '- '."
            : "Change the value's type.",
        path,
        ...at(),
      });
      return;
    }
    default: {
      const emptySteps = issue.code === "too_small" && path.length === 1 && path[0] === "steps";
      out.push({
        code: emptySteps ? "EMPTY_PIPELINE" : "INVALID_VALUE",
        message: emptySteps ? "the pipeline has no steps" : `${where}: ${issue.message}`,
        hint: emptySteps
          ? "Add at least one step under 'steps:'."
          : "Correct the value (see `c8s schema` for the format).",
        path,
        ...at(),
      });
    }
  }
}

export function schemaProblems(source: YamlSource): {
  data: z.infer<typeof pipelineSchema> | undefined;
  problems: LintProblem[];
} {
  const parsed = pipelineSchema.safeParse(source.value);
  if (parsed.success) return { data: parsed.data, problems: [] };
  const problems: LintProblem[] = [];
  if (source.value === null || typeof source.value !== "object" || Array.isArray(source.value)) {
    problems.push({
      code: source.value == null ? "EMPTY_PIPELINE" : "NOT_A_MAPPING",
      message: source.value == null ? "the file is empty" : "the document must be a mapping (version, name, steps)",
      hint: "Start from `c8s schema` or an example in examples/.",
      path: [],
      line: 1,
      column: 1,
    });
    return { data: undefined, problems };
  }
  for (const issue of parsed.error.issues) issueProblems(issue, [], source, problems);
  return { data: undefined, problems };
}
