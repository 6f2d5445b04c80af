import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import { translateDriverError } from "../../../src/store/driver-errors.ts";
import { pendingMigrations } from "../../../src/store/migrate.ts";
import { MIGRATIONS } from "../../../src/store/migrations.ts";
import { buildInsert, buildSet, iso, isoOrNull, json, placeholders } from "../../../src/store/rows.ts";
import { SANDBOX_COLUMNS, sandboxWhere } from "../../../src/store/sandbox-repository.ts";

void describe("SQL builders", () => {
  void it("builds SET clauses from the fields present, with casts, numbered from the first index", () => {
    assert.deepEqual(buildSet({ state: "running", handle: { a: 1 }, endedAt: undefined }, SANDBOX_COLUMNS, 2), {
      sql: "state = $2, handle = $3::jsonb",
      params: ["running", '{"a":1}'],
    });
  });

  void it("rejects a field with no column instead of ignoring it", () => {
    assert.throws(() => buildSet({ stat: "running" }, SANDBOX_COLUMNS, 1), /no column for field 'stat'/);
  });

  void it("builds an INSERT with id first", () => {
    assert.deepEqual(buildInsert({ id: "x", owner: "o", labels: {} }, SANDBOX_COLUMNS), {
      sql: "(id, owner, labels) VALUES ($1, $2, $3::jsonb)",
      params: ["x", "o", "{}"],
    });
  });

  void it("builds WHERE clauses for filters", () => {
    assert.deepEqual(sandboxWhere({}), { sql: "", params: [] });
    assert.deepEqual(sandboxWhere({ state: ["creating", "running"], owner: "me", labels: { a: "b" } }), {
      sql: "WHERE state IN ($1, $2) AND owner = $3 AND labels @> $4::jsonb",
      params: ["creating", "running", "me", '{"a":"b"}'],
    });
    assert.equal(sandboxWhere({ state: [] }).sql, "WHERE false");
    assert.equal(placeholders(3, 4), "$4, $5, $6");
  });

  void it("normalises driver values", () => {
    assert.equal(iso(new Date("2026-01-01T00:00:00.123Z")), "2026-01-01T00:00:00.123Z");
    assert.equal(iso("2026-01-01 00:00:00.123+00"), "2026-01-01T00:00:00.123Z");
    assert.equal(isoOrNull(null), null);
    assert.deepEqual(json('{"a":1}', {}), { a: 1 });
    assert.deepEqual(json(null, []), []);
  });
});

void describe("migrations", () => {
  void it("are numbered uniquely and ascending", () => {
    const ids = MIGRATIONS.map((m) => m.id);
    assert.deepEqual(
      ids,
      [...new Set(ids)].sort((a, b) => a - b),
    );
  });

  void it("lists only pending ones and refuses a database from a newer c8s", () => {
    const all = [
      { id: 1, name: "a", sql: "" },
      { id: 2, name: "b", sql: "" },
      { id: 3, name: "c", sql: "" },
    ];
    assert.deepEqual(
      pendingMigrations([1], all).map((m) => m.id),
      [2, 3],
    );
    assert.deepEqual(pendingMigrations([1, 2, 3], all), []);
    assert.throws(
      () => pendingMigrations([1, 9], all),
      (e: unknown) => isC8sError(e) && e.code === "STORE_ERROR" && /9/.test(e.message),
    );
  });
});

void describe("driver error translation", () => {
  void it("maps unique violations to CONFLICT and the rest to STORE_ERROR with a hint", () => {
    const unique = translateDriverError(
      Object.assign(new Error("dup"), { code: "23505", constraint: "tokens_hash_key" }),
      "insert",
    );
    assert.equal(unique.code, "CONFLICT");
    assert.equal(unique.details["constraint"], "tokens_hash_key");
    const refused = translateDriverError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "connect",
    );
    assert.equal(refused.code, "STORE_ERROR");
    assert.match(refused.hint ?? "", /C8S_DATABASE_URL/);
    assert.equal(translateDriverError("boom", "x").code, "STORE_ERROR");
  });

  void it("maps text the database cannot hold (a NUL) to INVALID_ARGUMENT, the caller's error", () => {
    for (const code of ["22021", "22P05"]) {
      const nul = translateDriverError(Object.assign(new Error("invalid byte sequence: 0x00"), { code }), "insert");
      assert.equal(nul.code, "INVALID_ARGUMENT");
      assert.equal(nul.httpStatus, 400);
    }
  });
});
