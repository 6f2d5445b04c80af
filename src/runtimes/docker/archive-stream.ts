/**
 * The body of the one regular file in a tar stream from GET /containers/{id}/archive, as a
 * stream (flow-controlled: the engine is read only as fast as the caller reads). Rejects when
 * the archive holds no regular file; a failure later destroys the returned stream.
 */
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract } from "tar-stream";
import { C8sError } from "../../errors/index.ts";

export function firstFileOf(source: Readable, path: string): Promise<Readable> {
  const ex = extract();
  const out = new PassThrough();
  let found = false;
  let ended = false;
  return new Promise<Readable>((resolve, reject) => {
    const fail = (error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      if (found) out.destroy(err);
      else reject(err);
      source.destroy();
    };
    out.once("close", () => {
      if (!ended) source.destroy();
    });
    ex.on("entry", (header, body, next) => {
      body.on("error", fail);
      body.on("end", () => next());
      if (found || (header.type !== "file" && header.type !== "contiguous-file")) {
        body.resume();
        return;
      }
      found = true;
      resolve(out);
      body.on("data", (chunk: unknown) => {
        if (!out.write(chunk as Buffer)) body.pause();
      });
      out.on("drain", () => body.resume());
    });
    ex.once("finish", () => {
      ended = true;
      if (found) out.end();
      else {
        reject(new C8sError("INVALID_ARGUMENT", `'${path}' is not a regular file.`, { details: { path } }));
      }
    });
    pipeline(source, ex).catch(fail);
  });
}
