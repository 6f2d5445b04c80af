/**
 * Lint and load `.c8s.yaml`: every problem, positioned, with a fix. `loadPipeline` is the one
 * entry point for pipeline files (CLI, server, webhooks): it throws PIPELINE_INVALID with
 * the problem list in `details.problems`.
 */
import { C8sError } from "../../errors/index.ts";
import { DEFAULT_GRAPH_LIMITS, type GraphLimits, graphProblems } from "./graph-problems.ts";
import { formatProblem, type LintProblem, sortProblems } from "./problems.ts";
import type { PipelineFile } from "./schema.ts";
import { schemaProblems } from "./schema-problems.ts";
import { DEFAULT_YAML_LIMITS, readYaml, type YamlLimits } from "./yaml-source.ts";

export interface LintOptions {
  /** Shown in messages; default `.c8s.yaml`. */
  file?: string;
  yaml?: Partial<YamlLimits>;
  graph?: Partial<GraphLimits>;
}

export interface LintResult {
  file: string;
  problems: LintProblem[];
  /** Set only when there are no problems. */
  pipeline: PipelineFile | undefined;
}

export function lintPipeline(input: Uint8Array | string, options: LintOptions = {}): LintResult {
  const file = options.file ?? ".c8s.yaml";
  const source = readYaml(input, { ...DEFAULT_YAML_LIMITS, ...options.yaml });
  if (source.problems.length > 0 || source.value === undefined)
    return { file, problems: sortProblems(source.problems), pipeline: undefined };
  const { data, problems } = schemaProblems(source);
  problems.push(...graphProblems(source, { ...DEFAULT_GRAPH_LIMITS, ...options.graph }));
  const unique = dedupe(problems);
  return { file, problems: sortProblems(unique), pipeline: unique.length === 0 ? data : undefined };
}

function dedupe(problems: LintProblem[]): LintProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}|${p.line}|${p.column}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** How much of a file's own text an error quotes (messages quote keys and values). */
export const ERROR_QUOTE_LIMITS = { problems: 20, chars: 200 } as const;

function clip(text: string): string {
  return text.length <= ERROR_QUOTE_LIMITS.chars ? text : `${text.slice(0, ERROR_QUOTE_LIMITS.chars)}…`;
}

/**
 * The problems an error carries: the first 20, each text cut to 200 characters. An error
 * travels further than `c8s lint` output (API responses, run records, logs), so it quotes
 * little of the file; `c8s lint` shows everything.
 */
export function boundedProblems(problems: readonly LintProblem[]): LintProblem[] {
  return problems.slice(0, ERROR_QUOTE_LIMITS.problems).map((p) => ({
    ...p,
    message: clip(p.message),
    ...(p.hint === undefined ? {} : { hint: clip(p.hint) }),
    path: p.path.slice(0, 16).map((part) => (typeof part === "string" ? clip(part) : part)),
  }));
}

/** Parses and validates a pipeline file or throws PIPELINE_INVALID listing its (first) problems. */
export function loadPipeline(input: Uint8Array | string, options: LintOptions = {}): PipelineFile {
  const result = lintPipeline(input, options);
  if (result.pipeline !== undefined) return result.pipeline;
  const problems = boundedProblems(result.problems);
  const first = problems[0];
  const count = result.problems.length;
  throw new C8sError(
    "PIPELINE_INVALID",
    `${result.file} has ${count} problem${count === 1 ? "" : "s"}` +
      (first ? `; first: ${formatProblem(result.file, first).split("\n")[0]}` : ""),
    {
      details: { file: result.file, problems, problemCount: count, truncated: problems.length < count },
      hint: `Run \`c8s lint ${result.file}\` to see every problem with its fix.`,
    },
  );
}
