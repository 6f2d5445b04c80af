/**
 * Lint and load `.c8s.yaml`: every problem, positioned, with a fix. `loadPipeline` is the one
 * entry point for pipeline files (CLI, server, webhooks): it throws PIPELINE_INVALID with
 * the problem list in `details.problems`.
 */
import { C8sError } from "../errors/index.ts";
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

/** Parses and validates a pipeline file or throws PIPELINE_INVALID listing every problem. */
export function loadPipeline(input: Uint8Array | string, options: LintOptions = {}): PipelineFile {
  const result = lintPipeline(input, options);
  if (result.pipeline !== undefined) return result.pipeline;
  const first = result.problems[0];
  throw new C8sError(
    "PIPELINE_INVALID",
    `${result.file} has ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}` +
      (first ? `; first: ${formatProblem(result.file, first).split("\n")[0]}` : ""),
    {
      details: { file: result.file, problems: result.problems },
      hint: `Run \`c8s lint ${result.file}\` to see every problem with its fix.`,
    },
  );
}
