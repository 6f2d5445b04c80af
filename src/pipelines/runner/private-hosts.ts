/**
 * Is a host name or address one a server must not clone from? Loopback, link-local (cloud
 * metadata at 169.254.169.254), private, CGNAT, "this network", multicast and reserved
 * addresses, written in any spelling git's HTTP (curl) or SSH (getaddrinfo) would still
 * connect to: `127.1`, `2130706433`, `0x7f.1`, `017700000001`, `[::ffff:127.0.0.1]`,
 * `[::ffff:7f00:1]`, NAT64 and 6to4 forms embedding such an IPv4 address, `localhost.`,
 * `*.localhost`. Pure: no DNS — a public name that resolves to a private address is not
 * caught here (docs/security.md, "Which repositories a run may clone").
 */
import { isIPv6 } from "node:net";

/** [first address, prefix length, what it is]; IPv4 as a 32-bit number. */
const IPV4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "a 'this network' address (0.0.0.0/8)"],
  ["10.0.0.0", 8, "a private address (10.0.0.0/8)"],
  ["100.64.0.0", 10, "a shared CGNAT address (100.64.0.0/10)"],
  ["127.0.0.0", 8, "a loopback address (127.0.0.0/8)"],
  ["169.254.0.0", 16, "a link-local address (169.254.0.0/16, cloud metadata)"],
  ["172.16.0.0", 12, "a private address (172.16.0.0/12)"],
  ["192.168.0.0", 16, "a private address (192.168.0.0/16)"],
  ["224.0.0.0", 4, "a multicast address (224.0.0.0/4)"],
  ["240.0.0.0", 4, "a reserved or broadcast address (240.0.0.0/4)"],
];

/** Names that mean this machine without asking DNS (RFC 6761, Debian's /etc/hosts). */
const LOOPBACK_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"]);

function dotted(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

function strictDotted(text: string): number {
  const parts = text.split(".").map(Number);
  return ((parts[0] ?? 0) * 2 ** 24 + (parts[1] ?? 0) * 2 ** 16 + (parts[2] ?? 0) * 2 ** 8 + (parts[3] ?? 0)) >>> 0;
}

function inRange(address: number, first: string, prefix: number): boolean {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (address & mask) >>> 0 === (strictDotted(first) & mask) >>> 0;
}

/** What kind of non-public IPv4 address (a 32-bit number) this is; undefined for a public one. */
export function ipv4Kind(address: number): string | undefined {
  for (const [first, prefix, what] of IPV4_RANGES) if (inRange(address, first, prefix)) return what;
  return undefined;
}

/** `127.0.0.1, a loopback address (…)`: the address in dotted form and what it is. */
function ipv4Refusal(address: number): string | undefined {
  const what = ipv4Kind(address);
  return what === undefined ? undefined : `${dotted(address)}, ${what}`;
}

/** One part of an inet_aton address: 0x-hex, 0-octal or decimal; undefined when it is none. */
function numberPart(part: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]*$/.test(part)) return parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return parseInt(part, 10);
  return undefined;
}

/**
 * A host in the forms inet_aton (getaddrinfo) and curl accept for IPv4 — `a`, `a.b`, `a.b.c`,
 * `a.b.c.d`, each part hex, octal or decimal, the last filling the remaining bytes — as a
 * 32-bit number; undefined when it is not such an address.
 */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split(".").map(numberPart);
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === undefined || !Number.isFinite(p))) return;
  const numbers = parts as number[];
  const last = numbers[numbers.length - 1] ?? 0;
  const leading = numbers.slice(0, -1);
  if (leading.some((p) => p > 255) || last >= 2 ** (8 * (5 - numbers.length))) return undefined;
  return leading.reduce((sum, p, i) => sum + p * 2 ** (8 * (3 - i)), 0) + last;
}

/** An IPv6 address (no brackets, no zone) as eight 16-bit words. */
export function ipv6Words(address: string): number[] | undefined {
  if (!isIPv6(address) || address.includes("%")) return undefined;
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = strictDotted(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  const head = halves[0] === "" || halves[0] === undefined ? [] : halves[0].split(":");
  const rest = halves.length > 1 && halves[1] !== "" && halves[1] !== undefined ? halves[1].split(":") : [];
  const fill = halves.length > 1 ? 8 - head.length - rest.length : 0;
  const words = [...head, ...Array<string>(fill).fill("0"), ...rest].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
}

function embedded(high: number, low: number): number {
  return (high * 0x10000 + low) >>> 0;
}

/** Why an IPv6 address (eight words) is refused, or undefined for a public one. */
export function ipv6Refusal(w: number[]): string | undefined {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  const zeroTo = (n: number) => w.slice(0, n).every((x) => x === 0);
  const inner = (what: string, v4: number) => {
    const why = ipv4Refusal(v4);
    return why === undefined ? undefined : `${what} of ${why}`;
  };
  if (zeroTo(7) && w7 === 0) return "the unspecified address (::), which means this machine";
  if (zeroTo(7) && w7 === 1) return "the loopback address (::1)";
  if (zeroTo(5) && w5 === 0xffff) return inner("an IPv4-mapped address", embedded(w6, w7));
  if (zeroTo(4) && w4 === 0xffff && w5 === 0) return inner("an IPv4-translated address", embedded(w6, w7));
  if (zeroTo(6)) return inner("an IPv4-compatible address", embedded(w6, w7));
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 1) return "64:ff9b:1::/48 is a local-use NAT64 prefix";
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0)
    return inner("a NAT64 address", embedded(w6, w7));
  if (w0 === 0x2002) return inner("a 6to4 address", embedded(w1, w2));
  if ((w0 & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((w0 & 0xffc0) === 0xfec0) return "a site-local address (fec0::/10)";
  if ((w0 & 0xfe00) === 0xfc00) return "a unique local (private) address (fc00::/7)";
  if ((w0 & 0xff00) === 0xff00) return "a multicast address (ff00::/8)";
  return undefined;
}

/** Digits, or 0x-hex: the last label of a host that is meant as an IPv4 address (WHATWG's rule). */
const NUMERIC_LABEL = /^(0x[0-9a-f]*|[0-9]+)$/i;

/**
 * Why `host` (as written in a URL: a name, an IPv4 address in any inet_aton spelling, or an
 * IPv6 address in brackets) is refused; undefined when it names a public host.
 */
export function hostRefusal(host: string): string | undefined {
  if (host.startsWith("[") && host.endsWith("]")) {
    const inside = host.slice(1, -1);
    if (inside.includes("%")) return `${host} has an IPv6 zone index (a link-local address)`;
    const words = ipv6Words(inside);
    if (words === undefined) return `${host} is not an IPv6 address`;
    const why = ipv6Refusal(words);
    return why === undefined ? undefined : `${host} is ${why}`;
  }
  if (host === "") return "the URL has no host";
  if (host.startsWith("-")) return `the host ${host} starts with '-'`;
  if (!/^[a-z0-9._-]+$/i.test(host))
    return `the host ${host} has characters other than a-z, 0-9, '.', '-' and '_' (write an international name in its xn-- form)`;
  // One trailing dot is the same name (fully qualified); an empty label is no name at all.
  const name = (host.endsWith(".") ? host.slice(0, -1) : host).toLowerCase();
  if (name === "" || name.split(".").includes("")) return `the host ${host} has an empty label`;
  if (LOOPBACK_NAMES.has(name) || name.endsWith(".localhost")) return `${host} names this machine (loopback)`;
  const labels = name.split(".");
  if (NUMERIC_LABEL.test(labels[labels.length - 1] ?? "")) {
    const address = parseIPv4(name);
    if (address === undefined) return `the host ${host} looks like a number but is not an IPv4 address`;
    const what = ipv4Kind(address);
    if (what === undefined) return undefined;
    return name === dotted(address) ? `${host} is ${what}` : `${host} is ${dotted(address)}, ${what}`;
  }
  return undefined;
}
