/**
 * Roles and scopes: who may do what, as pure functions. A token has a role (`admin` of the
 * installation, or a team's `owner`, `member`, `viewer`) and optionally narrower scopes; what
 * it may do is its role's scopes, cut down to the scopes it names. Every route declares the
 * scope it needs (`RouteDoc.scope`, shown in /openapi.json); the auth hook checks it.
 */
import { C8sError } from "../errors/index.ts";
import type { TokenRole } from "../store/types.ts";

export const SCOPES = [
  "sandboxes:read",
  "sandboxes:write",
  "runs:read",
  "runs:write",
  "templates:write",
  "secrets:read",
  "secrets:write",
  "secrets:use",
  "tokens:read",
  "tokens:write",
  "audit:read",
  "hooks:read",
  "hooks:write",
  "sessions:read",
  "sessions:write",
] as const;
export type Scope = (typeof SCOPES)[number];

const READ: Scope[] = ["sandboxes:read", "runs:read", "sessions:read"];
const MEMBER: Scope[] = [...READ, "sandboxes:write", "templates:write", "runs:write", "secrets:use", "sessions:write"];
// Even secret names stay with owners (before teams only admins saw them); so does the team's audit log.
// A hook decides which team's secrets and credentials a repository's deliveries run with.
const OWNER: Scope[] = [
  ...MEMBER,
  "secrets:read",
  "secrets:write",
  "tokens:read",
  "tokens:write",
  "audit:read",
  "hooks:read",
  "hooks:write",
];

/** What each role may do when a token names no narrower scopes. `admin` also manages teams, in every team. */
export const ROLE_SCOPES: Readonly<Record<TokenRole, readonly Scope[]>> = {
  viewer: READ,
  member: MEMBER,
  owner: OWNER,
  admin: SCOPES,
};

/** Higher ranks may grant lower roles, never the reverse. */
const RANK: Readonly<Record<TokenRole, number>> = { viewer: 0, member: 1, owner: 2, admin: 3 };

/** The scopes a token really has: its role's, narrowed to `narrowed` when it names any. */
export function effectiveScopes(role: TokenRole, narrowed: readonly string[]): Scope[] {
  const base = ROLE_SCOPES[role];
  if (narrowed.length === 0) return [...base];
  return base.filter((scope) => narrowed.includes(scope));
}

export interface Principal {
  tokenId: string;
  name: string;
  teamId: string;
  role: TokenRole;
  scopes: readonly Scope[];
}

export function isAdmin(principal: Principal | null | undefined): boolean {
  return principal?.role === "admin";
}

/** The team filter of a lookup: undefined (every team) for an installation admin. */
export function teamFilter(principal: Principal | null | undefined): string | undefined {
  return principal === null || principal === undefined || isAdmin(principal) ? undefined : principal.teamId;
}

/** PERMISSION_DENIED unless `principal` has `scope`. */
export function requireScope(principal: Principal, scope: Scope): void {
  if (principal.scopes.includes(scope)) return;
  throw new C8sError(
    "PERMISSION_DENIED",
    `token '${principal.name}' (role ${principal.role}) lacks the scope '${scope}'`,
    {
      details: { required: scope, role: principal.role, scopes: [...principal.scopes] },
      hint: `Use a token whose role grants '${scope}' (see docs/security.md, "Teams, roles and scopes"), or ask a team owner for one.`,
    },
  );
}

/**
 * Whether `granter` may mint a token of `role` with `scopes` in `teamId`: admins anywhere; a
 * team owner (with `tokens:write`) only in its own team, a role no higher than its own and no
 * scope it lacks itself.
 */
export function checkGrant(
  granter: Principal,
  grant: { teamId: string; role: TokenRole; scopes: readonly string[] },
): void {
  if (isAdmin(granter)) return;
  requireScope(granter, "tokens:write");
  if (grant.teamId !== granter.teamId)
    throw new C8sError("PERMISSION_DENIED", "a team owner creates tokens for its own team only", {
      details: { team: grant.teamId },
      hint: "Leave out `team` (it defaults to yours), or ask an installation admin.",
    });
  if (RANK[grant.role] > RANK[granter.role] || grant.role === "admin")
    throw new C8sError("PERMISSION_DENIED", `a ${granter.role} cannot create a token with role '${grant.role}'`, {
      details: { role: grant.role, yours: granter.role },
      hint: "Ask for a role no higher than your own; only an installation admin mints admin tokens.",
    });
  const beyond = grant.scopes.filter((s) => !granter.scopes.includes(s as Scope));
  if (beyond.length > 0)
    throw new C8sError("PERMISSION_DENIED", `cannot grant scopes you do not have: ${beyond.join(", ")}`, {
      details: { scopes: beyond },
      hint: "Name only scopes your own token has.",
    });
}

/** Legacy scopes of tokens made before teams (`["admin"]`, `["sandboxes"]`) as a role. */
export function roleOfLegacyScopes(scopes: readonly string[]): TokenRole | undefined {
  if (scopes.includes("admin")) return "admin";
  if (scopes.includes("sandboxes")) return "member";
  return undefined;
}

/** `30d`, `12h`, `45m`, `3600s` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (match === null)
    throw new C8sError("INVALID_ARGUMENT", `'${text}' is not a duration`, {
      details: { value: text },
      hint: "Write a number and a unit: 3600s, 45m, 12h, 30d.",
    });
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
