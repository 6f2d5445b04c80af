/**
 * Checks that need the whole pipeline: duplicate step names, dependsOn to missing steps,
 * dependency cycles, matrix explosion. They run on the raw document (defensively) so they
 * are reported together with schema problems elsewhere in the file.
 */
import type { LintProblem } from "./problems.ts";
import { locate, type YamlSource } from "./yaml-source.ts";

export interface GraphLimits {
  /** Combinations one matrix may expand to. */
  maxMatrixCombinations: number;
  /** Steps a pipeline may have after matrix expansion. */
  maxSteps: number;
}

export const DEFAULT_GRAPH_LIMITS: GraphLimits = { maxMatrixCombinations: 64, maxSteps: 256 };

interface RawStep {
  index: number;
  name: string;
  dependsOn: { name: string; index: number }[];
  combinations: number;
}

function rawSteps(value: unknown): RawStep[] {
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return [];
  const out: RawStep[] = [];
  steps.forEach((step: unknown, index) => {
    if (step === null || typeof step !== "object") return;
    const { name, dependsOn, matrix } = step as Record<string, unknown>;
    if (typeof name !== "string") return;
    const deps = Array.isArray(dependsOn)
      ? dependsOn.flatMap((d: unknown, i) => (typeof d === "string" ? [{ name: d, index: i }] : []))
      : [];
    let combinations = 1;
    if (matrix !== null && typeof matrix === "object" && !Array.isArray(matrix))
      for (const values of Object.values(matrix)) if (Array.isArray(values)) combinations *= Math.max(1, values.length);
    out.push({ index, name, dependsOn: deps, combinations });
  });
  return out;
}

export function graphProblems(source: YamlSource, limits: GraphLimits = DEFAULT_GRAPH_LIMITS): LintProblem[] {
  const problems: LintProblem[] = [];
  const steps = rawSteps(source.value);
  const byName = new Map<string, RawStep>();
  for (const step of steps) {
    const first = byName.get(step.name);
    if (first) {
      const path = ["steps", step.index, "name"];
      problems.push({
        code: "DUPLICATE_STEP",
        message: `step name '${step.name}' is already used by step ${first.index + 1}`,
        hint: "Give every step a unique name.",
        path,
        ...locate(source, path),
      });
    } else byName.set(step.name, step);
  }

  for (const step of steps) {
    for (const dep of step.dependsOn) {
      const path = ["steps", step.index, "dependsOn", dep.index];
      if (dep.name === step.name)
        problems.push({
          code: "SELF_DEPENDENCY",
          message: `step '${step.name}' depends on itself`,
          hint: "Remove it from its own dependsOn.",
          path,
          ...locate(source, path),
        });
      else if (!byName.has(dep.name)) {
        const names = [...byName.keys()];
        const close = names.find((n) => n.toLowerCase() === dep.name.toLowerCase());
        problems.push({
          code: "MISSING_DEPENDENCY",
          message: `step '${step.name}' depends on '${dep.name}', which is not a step`,
          hint: close ? `Did you mean '${close}'?` : `Use one of: ${names.join(", ")}.`,
          path,
          ...locate(source, path),
        });
      }
    }
  }

  // Cycle search recurses; a file with absurdly many steps is refused by TOO_MANY_STEPS anyway.
  const cycles = steps.length <= limits.maxSteps ? findCycles(steps) : [];
  for (const cycle of cycles) {
    const first = byName.get(cycle[0] ?? "");
    const depIndex = first?.dependsOn.find((d) => d.name === cycle[1])?.index ?? 0;
    const path = ["steps", first?.index ?? 0, "dependsOn", depIndex];
    problems.push({
      code: "DEPENDENCY_CYCLE",
      message: `dependency cycle: ${cycle.join(" -> ")}`,
      hint: "Remove one of these dependsOn entries to break the cycle.",
      path,
      ...locate(source, path),
    });
  }

  problems.push(...matrixReferenceProblems(source));

  let total = 0;
  for (const step of steps) {
    total += step.combinations;
    if (step.combinations > limits.maxMatrixCombinations) {
      const path = ["steps", step.index, "matrix"];
      problems.push({
        code: "MATRIX_TOO_LARGE",
        message: `matrix of step '${step.name}' expands to ${step.combinations} steps, over the limit of ${limits.maxMatrixCombinations}`,
        hint: "Use fewer values per matrix key or split the step.",
        path,
        ...locate(source, path, { key: true }),
      });
    }
  }
  if (total > limits.maxSteps)
    problems.push({
      code: "TOO_MANY_STEPS",
      message: `the pipeline expands to ${total} steps, over the limit of ${limits.maxSteps}`,
      hint: "Split the pipeline or shrink its matrices.",
      path: ["steps"],
      ...locate(source, ["steps"], { key: true }),
    });
  return problems;
}

/** Every elementary cycle reachable by DFS, each reported once, as [a, b, …, a]. */
export function findCycles(steps: readonly { name: string; dependsOn: { name: string }[] }[]): string[][] {
  const deps = new Map<string, string[]>();
  for (const s of steps)
    if (!deps.has(s.name))
      deps.set(
        s.name,
        s.dependsOn.map((d) => d.name),
      );
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      if (!deps.has(dep) || dep === name) continue;
      const s = state.get(dep);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join("\0");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of deps.keys()) if (!state.has(name)) visit(name);
  return cycles;
}

const MATRIX_REF = /\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `${{ matrix.KEY }}` must name a key of the step's own matrix. */
function matrixReferenceProblems(source: YamlSource): LintProblem[] {
  const problems: LintProblem[] = [];
  const steps = (source.value as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return problems;
  steps.forEach((step: unknown, index) => {
    if (step === null || typeof step !== "object") return;
    const record = step as Record<string, unknown>;
    const matrix = record["matrix"];
    const keys = matrix !== null && typeof matrix === "object" ? Object.keys(matrix) : [];
    const check = (text: unknown, path: (string | number)[]) => {
      if (typeof text !== "string") return;
      for (const match of text.matchAll(MATRIX_REF)) {
        const key = match[1] ?? "";
        if (keys.includes(key)) continue;
        problems.push({
          code: "UNKNOWN_MATRIX_KEY",
          message: `'${match[0]}' names no key of this step's matrix`,
          hint:
            keys.length === 0 ? "Add a matrix to the step or remove the reference." : `Use one of: ${keys.join(", ")}.`,
          path,
          ...locate(source, path),
        });
      }
    };
    check(record["image"], ["steps", index, "image"]);
    check(record["workdir"], ["steps", index, "workdir"]);
    const commands = record["commands"];
    if (Array.isArray(commands)) commands.forEach((c, i) => check(c, ["steps", index, "commands", i]));
    const artifacts = record["artifacts"];
    if (Array.isArray(artifacts)) artifacts.forEach((a, i) => check(a, ["steps", index, "artifacts", i]));
    const env = record["env"];
    if (env !== null && typeof env === "object")
      for (const [k, v] of Object.entries(env)) check(v, ["steps", index, "env", k]);
  });
  return problems;
}
