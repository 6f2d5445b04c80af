/**
 * Credentials in repository URLs (`https://user:token@host/…`, `https://token@host/…`).
 * They are taken out of the URL where it enters (API, webhook, `c8s run --repo`): the URL
 * c8s stores, shows, logs and puts in errors is `https://***@host/…`, and the credential
 * travels beside it (sealed at rest by the server) until `git clone` needs it, which gets it
 * from a credential helper reading the environment — never in git's argv, never in the
 * clone's `.git/config` where a step could read it. Pure.
 */
import { C8sError } from "../../errors/index.ts";

export interface RepoCredential {
  username: string;
  /** Empty for a token-only URL (`https://TOKEN@host/…`). */
  password: string;
}

export interface SplitRepoUrl {
  /** The URL with any credential replaced by `***`: safe to store, show and log. */
  url: string;
  credential: RepoCredential | undefined;
}

export const REDACTED_USERINFO = "***";

/** `http(s)://` then the authority (up to the first `/`, `?` or `#`). */
const HTTP_AUTHORITY = /^(https?:\/\/)([^/?#]*)/i;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Splits the credential out of an http(s) URL; other URLs (ssh, file, paths) are returned as they are. */
export function splitRepoUrl(raw: string): SplitRepoUrl {
  const match = HTTP_AUTHORITY.exec(raw);
  const scheme = match?.[1];
  const authority = match?.[2];
  if (scheme === undefined || authority === undefined) return { url: raw, credential: undefined };
  // The last `@` of the authority ends the userinfo (a raw `@` in a password is common).
  const at = authority.lastIndexOf("@");
  if (at < 0) return { url: raw, credential: undefined };
  const userinfo = authority.slice(0, at);
  const url = `${scheme}${REDACTED_USERINFO}@${raw.slice(scheme.length + at + 1)}`;
  if (userinfo === REDACTED_USERINFO) return { url, credential: undefined };
  const colon = userinfo.indexOf(":");
  const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? "" : decode(userinfo.slice(colon + 1));
  if (/[\0\r\n]/.test(username + password))
    throw new C8sError("INVALID_ARGUMENT", `the credential in the repository URL ${url} has a control character`, {
      details: { field: "repoUrl" },
      hint: "Percent-encode the user name and token, or remove the credential from the URL.",
    });
  return { url, credential: { username, password } };
}

/** The URL git clones: without any userinfo (the credential comes from the helper). */
export function cloneableUrl(url: string): string {
  const match = HTTP_AUTHORITY.exec(url);
  const scheme = match?.[1];
  const authority = match?.[2];
  if (scheme === undefined || authority === undefined) return url;
  const at = authority.lastIndexOf("@");
  return at < 0 ? url : `${scheme}${url.slice(scheme.length + at + 1)}`;
}

/** `scheme://host[:port]` of an http(s) URL, for scoping the credential helper to that server. */
export function urlOrigin(url: string): string | undefined {
  const match = HTTP_AUTHORITY.exec(cloneableUrl(url));
  return match?.[1] !== undefined && match[2] !== undefined ? `${match[1].toLowerCase()}${match[2]}` : undefined;
}

/**
 * Replaces every URL credential in free text (git's stderr, an error message) by `***`: any
 * userinfo of an http(s) URL, and a `user:password@` of any other scheme.
 */
export function redactUrls(text: string): string {
  // Bounded repetitions keep this linear: with `*`, 80 KB of `a-a-a-…` (a word boundary at every
  // other byte, each a possible scheme start scanning to the end) took 7 s of server CPU.
  return text.replace(/\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#'"<>]*)@/gi, (whole, scheme: string, userinfo: string) =>
    /^https?:\/\/$/i.test(scheme) || userinfo.includes(":") ? `${scheme}${REDACTED_USERINFO}@` : whole,
  );
}
