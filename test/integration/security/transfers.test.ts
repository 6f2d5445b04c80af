/**
 * Issue 8, finding 8: file transfers stream. Three concurrent 200 MiB uploads and then three
 * concurrent 200 MiB downloads through a real `c8s serve` (a child process, local runtime)
 * must not raise the server's resident memory by more than BOUND: before streaming, three
 * downloads alone raised it by 0.8–1.2 GiB.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, before, test } from "node:test";
import { startCliServer, type CliServer } from "../../fixtures/cli-server.ts";

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const BOUND = 160 * MiB;

let server: CliServer;
let sandboxId = "";

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

/** Samples the server's RSS every 25 ms while `work` runs; returns the peak. */
async function peakRssDuring(work: () => Promise<void>): Promise<number> {
  let peak = await rssBytes(server.pid);
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await rssBytes(server.pid));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await sampler;
  }
  return peak;
}

/** SIZE bytes: one random MiB repeated (cheap to make, not compressible). */
function body(seed: number): Readable {
  const block = Buffer.alloc(MiB, seed);
  for (let i = 0; i < block.length; i += 4096) block[i] = (i / 4096 + seed) % 256;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) this.push(null);
      else {
        sent += MiB;
        this.push(block);
      }
    },
  });
}

/** Every request in flight, so a test that times out cannot leave one running. */
const inFlight = new Set<{ destroy(error?: Error): void }>();

/**
 * One request, bounded: it fails after `timeoutMs` (the whole exchange, body included) and its
 * body stops with it. 200 s: three 200 MiB transfers at once on a loaded 2-core CI machine took
 * longer than 120 s once; the test's own 240 s bound still catches a hang.
 */
function call(
  method: string,
  path: string,
  input?: Readable,
  timeoutMs = 200_000,
): Promise<{ status: number; size: number; text: string }> {
  const url = new URL(path, server.url);
  let status: number | undefined;
  let received = 0;
  return new Promise((resolve, reject) => {
    const entry = { destroy: (error?: Error) => req.destroy(error) };
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      inFlight.delete(entry);
      input?.destroy();
      settle();
    };
    const req = request(url, { method, headers: { authorization: `Bearer ${server.token}` } }, (res) => {
      status = res.statusCode;
      let size = 0;
      let text = "";
      const hash = createHash("sha256");
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        received = size;
        hash.update(chunk);
        if (text.length < 2048) text += chunk.toString("utf8", 0, Math.min(chunk.length, 2048));
      });
      res.on("end", () => finish(() => resolve({ status: res.statusCode ?? 0, size, text })));
      res.on("error", (error) => finish(() => reject(error)));
    });
    const timer = setTimeout(
      () =>
        req.destroy(
          new Error(
            `${method} ${path}: not done in ${timeoutMs} ms (status ${status ?? "none yet"}, ${received} bytes received)`,
          ),
        ),
      timeoutMs,
    );
    inFlight.add(entry);
    req.on("error", (error) => finish(() => reject(error)));
    if (input) pipeline(input, req).catch((error: Error) => finish(() => reject(error)));
    else req.end();
  });
}

before(
  async () => {
    server = await startCliServer({ C8S_UPLOAD_LIMIT: String(256 * MiB) });
    const created = await fetch(`${server.url}/v1/sandboxes`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ limits: { diskBytes: 2048 * MiB } }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    sandboxId = ((await created.json()) as { id: string }).id;
    // Warm the paths once (JIT, buffers) so the baseline is the steady state.
    assert.equal(
      (await call("PUT", `/v1/sandboxes/${sandboxId}/files?path=warm.bin`, Readable.from([Buffer.alloc(MiB)]))).status,
      204,
    );
    assert.equal((await call("GET", `/v1/sandboxes/${sandboxId}/files?path=warm.bin`)).size, MiB);
  },
  { timeout: 120_000 },
);

after(async () => {
  for (const req of inFlight) req.destroy(new Error("test finished"));
  await server?.stop();
});

void test(
  "three concurrent 200 MiB uploads, then downloads, keep the server's memory flat",
  { timeout: 240_000 },
  async (t) => {
    const baseline = await rssBytes(server.pid);
    const upPeak = await peakRssDuring(async () => {
      const results = await Promise.all(
        [0, 1, 2].map((i) => call("PUT", `/v1/sandboxes/${sandboxId}/files?path=big-${i}.bin`, body(i))),
      );
      for (const r of results) assert.equal(r.status, 204, r.text);
    });
    const downPeak = await peakRssDuring(async () => {
      const results = await Promise.all(
        [0, 1, 2].map((i) => call("GET", `/v1/sandboxes/${sandboxId}/files?path=big-${i}.bin`)),
      );
      for (const r of results) {
        assert.equal(r.status, 200);
        assert.equal(r.size, SIZE);
      }
    });
    t.diagnostic(
      `server RSS: baseline ${(baseline / MiB).toFixed(0)} MiB, peak during uploads +${((upPeak - baseline) / MiB).toFixed(0)} MiB, during downloads +${((downPeak - baseline) / MiB).toFixed(0)} MiB (bound ${BOUND / MiB} MiB)`,
    );
    assert.ok(upPeak - baseline < BOUND, `uploads raised RSS by ${((upPeak - baseline) / MiB).toFixed(0)} MiB`);
    assert.ok(downPeak - baseline < BOUND, `downloads raised RSS by ${((downPeak - baseline) / MiB).toFixed(0)} MiB`);
  },
);

void test("an upload over the limit is 413 and writes nothing", { timeout: 60_000 }, async () => {
  // Over the 256 MiB limit but finite: a server that failed to stop reading still ends.
  let sent = 0;
  const over = new Readable({
    read() {
      sent += 4 * MiB;
      this.push(sent > 320 * MiB ? null : Buffer.alloc(4 * MiB));
    },
  });
  const res = await call("PUT", `/v1/sandboxes/${sandboxId}/files?path=big-0.bin`, over, 45_000).catch(
    (error: Error) => ({
      status: -1,
      size: 0,
      text: error.message,
    }),
  );
  // The server answers 413 and may close the connection while the client is still sending.
  if (res.status !== -1) assert.equal(res.status, 413, res.text);
  const after = await call("GET", `/v1/sandboxes/${sandboxId}/files/stat?path=big-0.bin`);
  assert.equal(JSON.parse(after.text).size, SIZE);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
});
