/** One problem found in a pipeline file, with where it is and how to fix it. */
export type ProblemCode =
  | "NOT_UTF8"
  | "TOO_LARGE"
  | "TOO_DEEP"
  | "TOO_MANY_ALIASES"
  | "YAML_SYNTAX"
  | "DUPLICATE_KEY"
  | "NOT_A_MAPPING"
  | "UNKNOWN_KEY"
  | "MISSING_KEY"
  | "WRONG_TYPE"
  | "INVALID_VALUE"
  | "EMPTY_PIPELINE"
  | "DUPLICATE_STEP"
  | "MISSING_DEPENDENCY"
  | "SELF_DEPENDENCY"
  | "DEPENDENCY_CYCLE"
  | "MATRIX_TOO_LARGE"
  | "TOO_MANY_STEPS"
  | "UNKNOWN_MATRIX_KEY";

export interface LintProblem {
  code: ProblemCode;
  message: string;
  hint?: string;
  /** Path into the document, e.g. ["steps", 2, "dependsOn", 0]. */
  path: (string | number)[];
  /** 1-based; 0 when the problem has no position (e.g. the file is not UTF-8). */
  line: number;
  column: number;
}

/** `file:line:column: CODE message` + an indented hint line. */
export function formatProblem(file: string, problem: LintProblem): string {
  const head = `${file}:${problem.line}:${problem.column}: ${problem.code} ${problem.message}`;
  return problem.hint === undefined ? head : `${head}\n    fix: ${problem.hint}`;
}

export function sortProblems(problems: LintProblem[]): LintProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}
