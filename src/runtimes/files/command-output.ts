/**
 * A download produced by a command in the sandbox (`cat`, `tar -c`, the supervisor's fs
 * helper): the caller gets a stream only once the command has produced its first byte or has
 * ended, so "no such file" and "outside the sandbox" reject the call instead of cutting a
 * response that already said 200. A failure after that destroys the stream with the
 * command's error; a consumer that goes away stops the command.
 */
import { PassThrough, type Readable } from "node:stream";

export interface CommandOutput {
  stdout: Readable;
  /** Resolves with the command's error (non-zero exit), or null when it succeeded. */
  outcome: Promise<Error | null>;
  /** Stops the command (the consumer went away before the end). */
  abort: () => void;
}

export async function streamCommandOutput({ stdout, outcome, abort }: CommandOutput): Promise<Readable> {
  const out = new PassThrough();
  let finished = false;
  const settled = outcome.then(
    (error) => error,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  stdout.once("error", (error: Error) => out.destroy(error));
  stdout.once("end", () => {
    void settled.then((error) => {
      finished = true;
      if (error) out.destroy(error);
      else out.end();
    });
  });
  out.once("close", () => {
    if (!finished) {
      stdout.destroy();
      abort();
    }
  });
  // Wait for the first byte, or for the end (then the outcome decides: an error rejects).
  const early = await new Promise<Error | null>((resolve) => {
    stdout.once("readable", () => {
      if (stdout.readableLength > 0) resolve(null);
      else void settled.then(resolve);
    });
    stdout.once("error", resolve);
  });
  if (early !== null) {
    finished = true;
    out.destroy();
    throw early;
  }
  stdout.on("data", (chunk: Buffer) => {
    if (!out.write(chunk)) stdout.pause();
  });
  out.on("drain", () => stdout.resume());
  stdout.resume();
  return out;
}
