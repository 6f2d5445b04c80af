/**
 * Pipeline runs on a c8s server: submit, list, get, cancel, re-run (whole or from the failed
 * step), and step logs — whole, or followed live over SSE, resuming from the byte offset
 * reached when the connection drops (no gap, no duplicate).
 */
import type { Json } from "./types.ts";
import { parseServerSentEvents } from "./events.ts";
import { ApiClient } from "./http.ts";
import { connectionFromEnv, type ConnectionOptions } from "./options.ts";

/** A run as the server reports it (`GET /v1/runs/:id`; lists leave `steps` out). */
export type RunInfo = Json<"get_v1_runs_by_id", 200>;
export type RunStep = NonNullable<RunInfo["steps"]>[number];

export interface SubmitRunOptions {
  repoUrl: string;
  commit?: string;
  branch?: string;
  event?: "push" | "pull_request" | "tag" | "manual";
  pipelinePath?: string;
  pipelineYaml?: string;
  priority?: number;
  cancelPrevious?: boolean;
  /** Keep a failed step's sandbox to debug it (then `c8s runs debug RUN STEP`). */
  debug?: boolean;
  /**
   * A secret of the run's team to clone the https:// repository with (a token, or
   * `username:password`), instead of a credential in `repoUrl`. Needs `secrets:use`; the
   * secret's policy must allow the run.
   */
  repoSecret?: string;
}

export interface LogChunk {
  stream: "stdout" | "stderr";
  /** Byte offset of `data` in the step's log; resume at `offset + data.length`. */
  offset: number;
  data: Uint8Array;
}

export interface FollowLogOptions {
  /** Byte offset to start from (default 0). */
  cursor?: number;
  signal?: AbortSignal;
  /** Reconnects after a dropped stream before giving up (default 5). */
  reconnects?: number;
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled", "skipped", "timed-out"]);

export class Runs {
  private constructor(private readonly api: ApiClient) {}

  static connect(options: ConnectionOptions = {}): Runs {
    return new Runs(new ApiClient(connectionFromEnv(options)));
  }

  static isFinished(run: Pick<RunInfo, "state">): boolean {
    return TERMINAL.has(run.state);
  }

  submit(options: SubmitRunOptions): Promise<RunInfo> {
    return this.api.json<RunInfo>("POST", "/v1/runs", { json: options });
  }

  async list(filter: { state?: string; pipeline?: string; branch?: string; limit?: number } = {}): Promise<RunInfo[]> {
    return (await this.api.json<{ runs: RunInfo[] }>("GET", "/v1/runs", { query: filter })).runs;
  }

  get(id: string): Promise<RunInfo> {
    return this.api.json<RunInfo>("GET", `/v1/runs/${encodeURIComponent(id)}`);
  }

  cancel(id: string): Promise<RunInfo> {
    return this.api.json<RunInfo>("POST", `/v1/runs/${encodeURIComponent(id)}/cancel`);
  }

  rerun(id: string, options: { fromFailed?: boolean; debug?: boolean } = {}): Promise<RunInfo> {
    return this.api.json<RunInfo>("POST", `/v1/runs/${encodeURIComponent(id)}/rerun`, {
      query: { from: options.fromFailed ? "failed" : undefined, debug: options.debug ? "true" : undefined },
    });
  }

  /** The step's whole (masked) log from `cursor`. */
  logs(id: string, step: string, cursor = 0): Promise<Uint8Array> {
    return this.api.bytes("GET", this.logPath(id, step), { query: { cursor } });
  }

  /** The bytes of an artifact a step collected (`path` as `run.artifacts` lists it). */
  artifact(id: string, step: string, path: string): Promise<Uint8Array> {
    return this.api.bytes("GET", `/v1/runs/${encodeURIComponent(id)}/steps/${encodeURIComponent(step)}/artifacts`, {
      query: { path },
    });
  }

  /** Live step output until the step's output ends; reconnects from the offset reached. */
  async *followLogs(id: string, step: string, options: FollowLogOptions = {}): AsyncGenerator<LogChunk> {
    let cursor = options.cursor ?? 0;
    let reconnects = options.reconnects ?? 5;
    for (;;) {
      try {
        const res = await this.api.request("GET", this.logPath(id, step), {
          query: { follow: "true", cursor },
          signal: options.signal,
          timeoutMs: 0,
        });
        if (!res.body) return;
        for await (const payload of parseServerSentEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
          const event = JSON.parse(payload) as { offset: number; stream?: "stdout" | "stderr"; base64?: string };
          if (event.base64 === undefined) return; // the `end` event
          const data = Buffer.from(event.base64, "base64");
          if (event.offset + data.length <= cursor) continue;
          const skip = Math.max(0, cursor - event.offset);
          yield { stream: event.stream ?? "stdout", offset: event.offset + skip, data: data.subarray(skip) };
          cursor = event.offset + data.length;
        }
        return;
      } catch (error) {
        if (options.signal?.aborted) return;
        if (reconnects-- <= 0) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private logPath(id: string, step: string): string {
    return `/v1/runs/${encodeURIComponent(id)}/steps/${encodeURIComponent(step)}/logs`;
  }
}
