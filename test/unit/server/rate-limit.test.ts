/** Token buckets (server/rate-limit.ts) on a manual clock: burst, refill, Retry-After, a bounded map. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { rateLimited, TokenBuckets } from "../../../src/server/rate-limit.ts";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

void test("a burst passes, the next request waits; refill gives requests back at the rate", () => {
  const c = clock();
  const buckets = new TokenBuckets({ requestsPerSecond: 2, burst: 3 }, c.now);
  for (let i = 0; i < 3; i++) assert.deepEqual(buckets.take("a"), { ok: true });
  assert.deepEqual(buckets.take("a"), { ok: false, retryAfterSeconds: 1 });
  c.advance(499);
  assert.equal(buckets.take("a").ok, false);
  c.advance(1);
  assert.deepEqual(buckets.take("a"), { ok: true });
  c.advance(10_000);
  for (let i = 0; i < 3; i++) assert.equal(buckets.take("a").ok, true, "refilled to the burst, no further");
  assert.equal(buckets.take("a").ok, false);
});

void test("Retry-After is whole seconds, at least 1, long enough for one request", () => {
  const c = clock();
  const buckets = new TokenBuckets({ requestsPerSecond: 0.25, burst: 1 }, c.now);
  assert.equal(buckets.take("slow").ok, true);
  assert.deepEqual(buckets.take("slow"), { ok: false, retryAfterSeconds: 4 });
  c.advance(3_000);
  assert.deepEqual(buckets.peek("slow"), { ok: false, retryAfterSeconds: 1 });
  c.advance(1_000);
  assert.deepEqual(buckets.peek("slow"), { ok: true });
});

void test("keys are independent; peek takes nothing", () => {
  const buckets = new TokenBuckets({ requestsPerSecond: 1, burst: 1 }, clock().now);
  assert.equal(buckets.take("a").ok, true);
  assert.equal(buckets.take("a").ok, false);
  assert.equal(buckets.peek("b").ok, true);
  assert.equal(buckets.peek("b").ok, true);
  assert.equal(buckets.take("b").ok, true);
});

void test("the map is bounded: refilled buckets are dropped first, then the least recently used", () => {
  const c = clock();
  const buckets = new TokenBuckets({ requestsPerSecond: 1, burst: 2 }, c.now, 100);
  for (let i = 0; i < 10_000; i++) buckets.take(`attacker-${i}`);
  assert.ok(buckets.size <= 100, `size ${buckets.size}`);
  // A busy key survives a flood of new keys as long as it keeps being used.
  buckets.take("busy");
  buckets.take("busy");
  for (let i = 0; i < 50; i++) {
    buckets.take(`flood-${i}`);
    assert.equal(buckets.peek("busy").ok, false, "still empty: not evicted and refreshed");
  }
  c.advance(5_000);
  for (let i = 0; i < 200; i++) buckets.take(`later-${i}`);
  assert.ok(buckets.size <= 100);
});

void test("the error names the limit and carries the wait", () => {
  const error = rateLimited({ requestsPerSecond: 50, burst: 200 }, "token", 3);
  assert.equal(error.code, "RATE_LIMITED");
  assert.equal(error.httpStatus, 429);
  assert.deepEqual(error.details, {
    limit: "requests per token",
    requestsPerSecond: 50,
    burst: 200,
    retryAfterSeconds: 3,
  });
  assert.match(error.message, /50 per second/);
  assert.match(error.hint ?? "", /C8S_RATE_LIMIT_RPS/);
});
