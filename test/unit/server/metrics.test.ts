import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Counter, Gauge, Histogram, MetricsRegistry, formatLabels } from "../../../src/server/metrics.ts";

void describe("metrics registry", () => {
  void it("renders counters with labels in the text format", async () => {
    const registry = new MetricsRegistry();
    const c = registry.register(new Counter("c8s_things_total", "Things."));
    c.inc({ reason: "oom" });
    c.inc({ reason: "oom" }, 2);
    c.inc({ reason: "ttl" });
    const text = await registry.render();
    assert.match(text, /^# HELP c8s_things_total Things\.\n# TYPE c8s_things_total counter\n/);
    assert.match(text, /^c8s_things_total\{reason="oom"\} 3$/m);
    assert.match(text, /^c8s_things_total\{reason="ttl"\} 1$/m);
    assert.ok(text.endsWith("\n"));
  });

  void it("refuses to decrement a counter", () => {
    assert.throws(() => new Counter("x", "x").inc({}, -1), RangeError);
  });

  void it("collects gauges at render time", async () => {
    let calls = 0;
    const registry = new MetricsRegistry();
    registry.register(
      new Gauge("c8s_sandboxes", "Sandboxes.", async (g) => {
        calls += 1;
        g.set({ state: "running" }, calls * 10);
      }),
    );
    assert.match(await registry.render(), /^c8s_sandboxes\{state="running"\} 10$/m);
    assert.match(await registry.render(), /^c8s_sandboxes\{state="running"\} 20$/m);
  });

  void it("histograms have cumulative buckets, +Inf, sum and count", async () => {
    const registry = new MetricsRegistry();
    const h = registry.register(new Histogram("lat_seconds", "Latency.", [1, 0.1]));
    h.observe({}, 0.05);
    h.observe({}, 0.5);
    h.observe({}, 5);
    const text = await registry.render();
    assert.match(text, /^lat_seconds_bucket\{le="0.1"\} 1$/m);
    assert.match(text, /^lat_seconds_bucket\{le="1"\} 2$/m);
    assert.match(text, /^lat_seconds_bucket\{le="\+Inf"\} 3$/m);
    assert.match(text, /^lat_seconds_sum 5.55$/m);
    assert.match(text, /^lat_seconds_count 3$/m);
  });

  void it("escapes label values", () => {
    assert.equal(formatLabels({ a: 'x"y\\z\nw' }), '{a="x\\"y\\\\z\\nw"}');
  });

  void it("rejects a metric registered twice", () => {
    const registry = new MetricsRegistry();
    registry.register(new Counter("dup", "d"));
    assert.throws(() => registry.register(new Counter("dup", "d")));
  });
});
