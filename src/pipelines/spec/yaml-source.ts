/**
 * Reads untrusted YAML safely and keeps node positions. Hostile input is refused before the
 * `yaml` parser sees it where the parser itself would suffer: deep nesting (the parser runs
 * out of memory on a few thousand nested `[`), size, non-UTF-8; alias bombs are stopped by
 * `maxAliasCount` while converting to plain data.
 */
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { LintProblem } from "./problems.ts";

export interface YamlLimits {
  maxBytes: number;
  maxDepth: number;
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxAliasCount: 50 };

export interface YamlSource {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain data; undefined when the document could not be converted (see problems). */
  value: unknown;
  problems: LintProblem[];
}

function problemAt(code: LintProblem["code"], message: string, hint: string, line = 0, column = 0): LintProblem {
  return { code, message, hint, path: [], line, column };
}

/** Decodes bytes as strict UTF-8 (BOM dropped); a string is taken as already decoded. */
export function decodeUtf8(input: Uint8Array | string): string | null {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return null;
  }
}

/**
 * The deepest nesting of flow collections plus block indentation levels, found by a linear
 * scan that errs towards over-counting (quoted strings and comments are skipped).
 */
export function estimateNesting(text: string): { depth: number; line: number } {
  let worst = { depth: 0, line: 1 };
  let flow = 0;
  const indents: number[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const trimmed = line.trimStart();
    if (flow === 0 && trimmed !== "" && !trimmed.startsWith("#")) {
      const indent = line.length - trimmed.length;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
    }
    const dashes = /^(?:-\s+)*/.exec(trimmed)?.[0].replace(/\s/g, "").length ?? 0;
    let quote: string | null = null;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quote !== null) {
        if (ch === "\\" && quote === '"') i++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) break;
      else if (ch === "[" || ch === "{") {
        flow++;
        const depth = indents.length + dashes + flow;
        if (depth > worst.depth) worst = { depth, line: index + 1 };
      } else if ((ch === "]" || ch === "}") && flow > 0) flow--;
    }
    const depth = indents.length + dashes + flow;
    if (depth > worst.depth) worst = { depth, line: index + 1 };
  }
  return worst;
}

export function readYaml(input: Uint8Array | string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlSource {
  const lineCounter = new LineCounter();
  const refused = (problem: LintProblem): YamlSource => ({
    text: "",
    doc: parseDocument("", { lineCounter }),
    lineCounter,
    value: undefined,
    problems: [problem],
  });
  const size = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
  if (size > limits.maxBytes)
    return refused(
      problemAt(
        "TOO_LARGE",
        `file is ${size} bytes, over the ${limits.maxBytes}-byte limit`,
        "Split the pipeline or remove generated content.",
      ),
    );
  const text = decodeUtf8(input);
  if (text === null)
    return refused(problemAt("NOT_UTF8", "file is not valid UTF-8", "Save the file as UTF-8 without invalid bytes."));
  const nesting = estimateNesting(text);
  if (nesting.depth > limits.maxDepth)
    return refused(
      problemAt(
        "TOO_DEEP",
        `nesting is ${nesting.depth} levels deep, over the limit of ${limits.maxDepth}`,
        "Flatten the structure; a pipeline never needs this much nesting.",
        nesting.line,
        1,
      ),
    );

  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems: LintProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(error.pos[0]);
    const duplicate = error.code === "DUPLICATE_KEY";
    problems.push({
      code: duplicate ? "DUPLICATE_KEY" : "YAML_SYNTAX",
      message: error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? error.message,
      hint: duplicate ? "Remove or rename one of the keys." : "Fix the YAML syntax at this position.",
      path: [],
      line: pos.line,
      column: pos.col,
    });
  }
  if (doc.errors.length > 0) return { text, doc, lineCounter, value: undefined, problems };
  try {
    const value: unknown = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    return { text, doc, lineCounter, value, problems };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(
      /alias/i.test(message)
        ? problemAt(
            "TOO_MANY_ALIASES",
            `aliases expand too much (limit ${limits.maxAliasCount}): ${message}`,
            "Write the values out or use fewer anchors/aliases.",
            1,
            1,
          )
        : problemAt("YAML_SYNTAX", message, "Fix the YAML document.", 1, 1),
    );
    return { text, doc, lineCounter, value: undefined, problems };
  }
}

/**
 * The position of the node at `path` (or of its key when `key` is set). Falls back to the
 * deepest existing ancestor so every problem gets a position.
 */
export function locate(
  source: Pick<YamlSource, "doc" | "lineCounter">,
  path: readonly (string | number | symbol)[],
  options: { key?: boolean } = {},
): { line: number; column: number } {
  let node: unknown = source.doc.contents;
  let found: Node | null = isNodeLike(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (last && options.key && isNodeLike(pair.key)) {
        found = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
    } else break;
    if (!isNodeLike(node)) break;
    found = node;
  }
  const offset = found?.range?.[0] ?? 0;
  const pos = source.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function isNodeLike(value: unknown): value is Node {
  return (
    isMap(value) || isSeq(value) || isScalar(value) || (typeof value === "object" && value !== null && "range" in value)
  );
}
