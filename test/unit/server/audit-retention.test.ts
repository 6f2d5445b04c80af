/** Audit retention and filters, pure: the setting, the cutoff, the SQL filter, `c8s audit --since`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { timeFlag } from "../../../src/cli/commands/audit.ts";
import { configFromEnv } from "../../../src/config/config.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import { retentionCutoff } from "../../../src/server/audit-retention.ts";
import { auditWhere } from "../../../src/store/audit-repository.ts";

const home = { C8S_HOME: "/tmp/c8s-config-test" };

void test("auditRetentionDays: 90 by default, C8S_AUDIT_RETENTION_DAYS sets it, 0 keeps forever, nonsense is refused naming the variable", () => {
  assert.equal(configFromEnv(home).auditRetentionDays, 90);
  assert.equal(configFromEnv({ ...home, C8S_AUDIT_RETENTION_DAYS: "0" }).auditRetentionDays, 0);
  assert.equal(configFromEnv({ ...home, C8S_AUDIT_RETENTION_DAYS: "365" }).auditRetentionDays, 365);
  for (const bad of ["-1", "1.5", "forever"])
    assert.throws(
      () => configFromEnv({ ...home, C8S_AUDIT_RETENTION_DAYS: bad }),
      (e: unknown) => isC8sError(e) && e.code === "CONFIG_INVALID" && /C8S_AUDIT_RETENTION_DAYS/.test(e.hint ?? ""),
      bad,
    );
});

void test("the cutoff is the retention before now; 0 days has none", () => {
  const now = Date.parse("2026-06-01T00:00:00Z");
  assert.equal(retentionCutoff(90, now), "2026-03-03T00:00:00.000Z");
  assert.equal(retentionCutoff(0, now), null);
});

void test("audit filters become parameterised SQL; a prefix's %, _ and \\ are literal", () => {
  assert.deepEqual(auditWhere({}), { where: "", params: [] });
  const { where, params } = auditWhere({
    teamId: "red",
    action: "DELETE 50%_\\*",
    since: "2026-01-01T00:00:00Z",
    after: 7,
  });
  assert.equal(where, "WHERE team_id = $1 AND action LIKE $2 ESCAPE '\\' AND at >= $3::timestamptz AND seq > $4");
  assert.deepEqual(params, ["red", "DELETE 50\\%\\_\\\\%", "2026-01-01T00:00:00Z", 7]);
  assert.deepEqual(auditWhere({ action: "secret.use" }).params, ["secret.use"]);
});

void test("c8s audit --since takes a duration ago or an ISO time (or date)", () => {
  const now = Date.parse("2026-06-01T12:00:00Z");
  assert.equal(timeFlag("1h", now), "2026-06-01T11:00:00.000Z");
  assert.equal(timeFlag("7d", now), "2026-05-25T12:00:00.000Z");
  assert.equal(timeFlag("2026-05-01T10:00:00+02:00", now), "2026-05-01T08:00:00.000Z");
  assert.equal(timeFlag("2026-05-01", now), "2026-05-01T00:00:00.000Z");
  for (const bad of ["yesterday", "1", "1y", "5/1/2026", ""]) assert.equal(timeFlag(bad, now), undefined, bad);
});
