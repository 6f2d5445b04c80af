/**
 * Which repository URLs a server run may clone. By default only remotes on public hosts:
 * `https://host/…`, `ssh://[user@]host/…` and scp-style `[user@]host:path`. Refused: local
 * paths and `file://` (the server's own disk), `http://` and `git://` (no transport security),
 * `transport::address` (remote helpers, `ext::` runs a command) and any other scheme, and
 * hosts that are this machine or its networks (`private-hosts.ts`). `allowLocal` (`c8s serve
 * --allow-local-repos`, `C8S_ALLOW_LOCAL_REPOS=1`; always for `c8s run` on the user's own
 * machine) allows everything git can clone.
 *
 * The URL is read the way git reads it (transport.c, connect.c): `scheme://` is a URL, a
 * leading `name::` a remote helper, no `:` or a `/` before the first `:` a local path, the
 * rest scp-style ssh. Anything ambiguous (two `@`, a backslash or `%` in the host, non-ASCII
 * names that IDNA might map to digits) is refused rather than guessed. Pure.
 */
import { C8sError } from "../../errors/index.ts";
import { hostRefusal } from "./private-hosts.ts";
import type { CloneGitOptions } from "./git-workspace.ts";
import { redactUrls } from "./repo-url.ts";

export interface ClonePolicy {
  /** Local paths, `file://`, `http://`, `git://` and private hosts too (local development). */
  allowLocal: boolean;
}

/** How `cloneAt` runs git under the policy: the allowed transports and whether HTTP redirects are followed. */
export function cloneGitOptions(policy: ClonePolicy): CloneGitOptions {
  // A redirect could lead an allowed https:// URL to a private host: not followed by default.
  return policy.allowLocal ? {} : { allowProtocols: "https:ssh", followRedirects: false };
}

const SSH_USER = /^[A-Za-z0-9._~-]+$/;
const PORT = /^[0-9]{0,5}$/;

/** `host[:port]` or `[v6][:port]` of a URL's authority → the host as written, or a refusal. */
function hostOfAuthority(hostPort: string): { host: string } | { refused: string } {
  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(hostPort);
  const [host, port] = bracketed ? [bracketed[1] ?? "", bracketed[2]] : splitPort(hostPort);
  if (port !== undefined && !PORT.test(port)) return { refused: `the port '${port}' is not a number` };
  return { host };
}

function splitPort(hostPort: string): [string, string | undefined] {
  const colon = hostPort.lastIndexOf(":");
  return colon < 0 ? [hostPort, undefined] : [hostPort.slice(0, colon), hostPort.slice(colon + 1)];
}

/** `https://…` and `ssh://…`: the authority up to the first `/` (and for https `?` or `#`). */
function urlRefusal(scheme: string, rest: string): string | undefined {
  const end = rest.search(scheme === "https" ? /[/?#]/ : /\//);
  const authority = end < 0 ? rest : rest.slice(0, end);
  // The userinfo ends at the last `@`, as splitRepoUrl and cloneableUrl read it: git gets the host after it.
  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  if (scheme === "ssh" && userinfo !== undefined && !SSH_USER.test(userinfo))
    return "the ssh user name may hold only letters, digits and . _ ~ -";
  // Parsers disagree on where `\` ends an authority (WHATWG: a `/`; curl: a character).
  if (authority.includes("\\")) return "the URL's authority has a backslash";
  const parsed = hostOfAuthority(hostPort);
  return "refused" in parsed ? parsed.refused : hostRefusal(parsed.host);
}

/** scp-style `[user@]host:path`, `[user@][v6]:path` or git's `[host:port]:path`. */
function scpRefusal(url: string): string | undefined {
  const match = /^(?:([^@/:[\]]+)@)?(\[[^\]/]*\]|[^@/:[\]]+):/.exec(url);
  if (!match) return "it is neither a URL nor user@host:path";
  const [, user, host = ""] = match;
  if (user !== undefined && !SSH_USER.test(user)) return "the ssh user name may hold only letters, digits and . _ ~ -";
  if (host.startsWith("[")) {
    const inside = host.slice(1, -1);
    // `[host:port]:path` — one colon: a name and a port; more: an IPv6 address.
    if (inside.split(":").length === 2) {
      const [name = "", port = ""] = inside.split(":");
      return PORT.test(port) ? hostRefusal(name) : `the port '${port}' is not a number`;
    }
  }
  return hostRefusal(host);
}

/** Why the default policy refuses `url`; undefined when it is allowed. */
export function cloneUrlRefusal(url: string): string | undefined {
  const helper = /^([A-Za-z0-9+.-]*)::/.exec(url);
  if (helper) return `the remote helper transport ${helper[1] ?? ""}:: is not allowed`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(url)) return "it has whitespace or a control character";
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(url);
  if (scheme) {
    const [, name = "", rest = ""] = scheme;
    if (name === "https" || name === "ssh") return urlRefusal(name, rest);
    const lower = name.toLowerCase();
    if (lower === "https" || lower === "ssh") return `git's transports are lower case: write ${lower}://`;
    return `the ${lower}:// transport is not allowed (only https:// and ssh://)`;
  }
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  if (colon < 0 || (slash >= 0 && slash < colon)) return "a local path is not allowed";
  return scpRefusal(url);
}

/** The URL as an error may show it: credentials replaced by `***`, control characters by `?`, bounded. */
export function shownCloneUrl(url: string): string {
  let shown = redactUrls(url);
  // scp-style or other scheme-less text with a `user:password@`.
  if (!shown.includes("://")) shown = shown.replace(/^[^@/]*:[^@/]*@/, "***@");
  // eslint-disable-next-line no-control-regex
  shown = shown.replace(/[\x00-\x1f\x7f]/g, "?");
  return shown.length > 300 ? `${shown.slice(0, 300)}…` : shown;
}

/** Throws REPO_URL_FORBIDDEN when the policy does not allow cloning `url`. */
export function checkCloneUrl(url: string, policy: ClonePolicy): void {
  if (policy.allowLocal) return;
  const reason = cloneUrlRefusal(url);
  if (reason === undefined) return;
  const shown = shownCloneUrl(url);
  throw new C8sError("REPO_URL_FORBIDDEN", `this server does not clone ${shown}: ${reason}`, {
    details: { field: "repoUrl", url: shown, reason },
    hint:
      "Use an https:// or ssh:// (or user@host:path) URL of a public host. For local development an admin " +
      "can allow local paths, file://, http:// and private addresses with `c8s serve --allow-local-repos` " +
      "(C8S_ALLOW_LOCAL_REPOS=1).",
  });
}
