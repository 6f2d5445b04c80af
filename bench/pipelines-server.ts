/**
 * The pipelines benchmark's server: `startC8s` — the composition root `c8s serve` runs — in
 * its own process on C8S_HOME, with the GitHub webhook secret from C8S_BENCH_GITHUB_SECRET
 * (`c8s serve` reads no webhook secret from its environment yet). It writes credentials.json
 * as `c8s serve` does and serves until SIGTERM.
 *
 * On SIGUSR2 it writes `<home>/probe.json` — its event-loop delay since the last probe and
 * its CPU time so far — so the benchmark can say whether the server process was the limit.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startC8s } from "../src/app.ts";
import { parseConfig } from "../src/config/config.ts";

const home = process.env["C8S_HOME"];
if (home === undefined) throw new Error("C8S_HOME is required");
// No request rate limit: the benchmark drives hundreds of runs from one token and a webhook
// address; its repositories are file:// ones on this machine (the clone policy allows them only so).
const config = parseConfig({
  home,
  port: 0,
  logLevel: process.env["C8S_LOG_LEVEL"] ?? "warn",
  rateLimit: { requestsPerSecond: 0 },
  allowLocalRepos: true,
});
const running = await startC8s(config, {
  pipelines: { githubWebhookSecret: process.env["C8S_BENCH_GITHUB_SECRET"] },
});
const loop = monitorEventLoopDelay({ resolution: 2 });
loop.enable();
let probes = 0;
process.on("SIGUSR2", () => {
  const cpu = process.cpuUsage();
  const probe = {
    seq: ++probes,
    loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    cpuMs: (cpu.user + cpu.system) / 1000,
    at: performance.now() + performance.timeOrigin,
  };
  loop.reset();
  void writeFile(join(home, "probe.json"), JSON.stringify(probe));
});
process.once("SIGTERM", () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
