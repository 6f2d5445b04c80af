/** Roles, scopes and grants as pure functions (server/access.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import {
  checkGrant,
  effectiveScopes,
  parseDuration,
  type Principal,
  roleOfLegacyScopes,
  ROLE_SCOPES,
  SCOPES,
} from "../../../src/server/access.ts";
import type { TokenRole } from "../../../src/store/types.ts";

const principal = (role: TokenRole, scopes: string[] = [], teamId = "red"): Principal => ({
  tokenId: "tok_x",
  name: "x",
  teamId,
  role,
  scopes: effectiveScopes(role, scopes),
});

void test("roles nest: viewer ⊂ member ⊂ owner ⊂ admin; a viewer only reads", () => {
  const order: TokenRole[] = ["viewer", "member", "owner", "admin"];
  for (let i = 1; i < order.length; i++)
    for (const scope of ROLE_SCOPES[order[i - 1] as TokenRole])
      assert.ok(ROLE_SCOPES[order[i] as TokenRole].includes(scope), `${order[i]} has ${scope}`);
  assert.ok(ROLE_SCOPES.viewer.every((s) => s.endsWith(":read")));
  assert.deepEqual([...ROLE_SCOPES.admin].sort(), [...SCOPES].sort());
  assert.ok(!ROLE_SCOPES.member.includes("secrets:read"), "secret names stay with owners");
});

void test("narrower scopes only narrow: a scope beyond the role is dropped", () => {
  assert.deepEqual(effectiveScopes("viewer", ["runs:read", "sandboxes:write"]), ["runs:read"]);
  assert.deepEqual(effectiveScopes("member", []), [...ROLE_SCOPES.member]);
});

const denied = (fn: () => void) =>
  assert.throws(fn, (e: unknown) => isC8sError(e) && e.code === "PERMISSION_DENIED" && e.hint !== undefined);

void test("grants: an owner mints its own team's tokens up to its role and scopes; an admin anything", () => {
  const owner = principal("owner");
  checkGrant(owner, { teamId: "red", role: "member", scopes: [] });
  checkGrant(owner, { teamId: "red", role: "owner", scopes: ["runs:read"] });
  denied(() => checkGrant(owner, { teamId: "red", role: "admin", scopes: [] }));
  denied(() => checkGrant(owner, { teamId: "blue", role: "viewer", scopes: [] }));
  denied(() =>
    checkGrant(principal("owner", ["tokens:write"]), { teamId: "red", role: "owner", scopes: ["runs:write"] }),
  );
  denied(() => checkGrant(principal("member"), { teamId: "red", role: "viewer", scopes: [] }));
  checkGrant(principal("admin", [], "default"), { teamId: "blue", role: "admin", scopes: [] });
});

void test("legacy scopes name roles; durations parse", () => {
  assert.equal(roleOfLegacyScopes(["admin"]), "admin");
  assert.equal(roleOfLegacyScopes(["sandboxes"]), "member");
  assert.equal(roleOfLegacyScopes([]), undefined);
  assert.equal(parseDuration("30d"), 30 * 86_400_000);
  assert.equal(parseDuration("90s"), 90_000);
  assert.throws(
    () => parseDuration("soon"),
    (e: unknown) => isC8sError(e) && e.code === "INVALID_ARGUMENT",
  );
});
