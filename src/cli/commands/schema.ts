/** `c8s schema`: prints the JSON Schema of `.c8s.yaml` (the committed copy is docs/pipeline.schema.json). */
import { pipelineJsonSchema } from "../../pipelines/spec/schema.ts";
import type { PipelineCommandIo } from "../run/cli-io.ts";

export const schemaCommand = {
  name: "schema",
  summary: "Print the JSON Schema of .c8s.yaml pipeline files",
  usage: "c8s schema",
  async run(_args: string[], io: PipelineCommandIo): Promise<number> {
    io.stdout.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
