/** `c8s lint [file…]`: every problem as `file:line:column: CODE message` plus how to fix it. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { lintPipeline } from "../../pipelines/spec/lint.ts";
import { formatProblem } from "../../pipelines/spec/problems.ts";
import type { PipelineCommandIo } from "../run/cli-io.ts";

export const lintCommand = {
  name: "lint",
  summary: "Check .c8s.yaml pipeline files; problems point at file:line:column",
  usage: "c8s lint [--json] [file…]   (default: .c8s.yaml)",
  async run(args: string[], io: PipelineCommandIo): Promise<number> {
    const json = args.includes("--json");
    const files = args.filter((a) => a !== "--json");
    if (files.length === 0) files.push(".c8s.yaml");
    let failed = false;
    const results = [];
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = await readFile(resolve(io.cwd, file));
      } catch (error) {
        io.stderr.write(`${file}: cannot read: ${(error as Error).message}\n`);
        failed = true;
        continue;
      }
      const result = lintPipeline(bytes, { file });
      results.push({ file, ok: result.problems.length === 0, problems: result.problems });
      if (result.problems.length > 0) failed = true;
      if (!json) for (const problem of result.problems) io.stdout.write(`${formatProblem(file, problem)}\n`);
    }
    if (json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else {
      const count = results.reduce((n, r) => n + r.problems.length, 0);
      io.stderr.write(
        count === 0 && !failed ? `ok: ${files.join(", ")}\n` : `${count} problem${count === 1 ? "" : "s"}\n`,
      );
    }
    return failed ? 1 : 0;
  },
};
