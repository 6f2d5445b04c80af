/** Glob matching for branch and path filters: `*` (no '/'), `**` (anything), `?` (one char). */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? "";
    if (ch === "*" && glob[i + 1] === "*") {
      // `**/` also matches nothing, so `src/**/x` matches `src/x`.
      if (glob[i + 2] === "/") {
        source += "(?:.*/)?";
        i += 2;
      } else {
        source += ".*";
        i += 1;
      }
    } else if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const regexp = new RegExp(`^${source}$`);
  if (cache.size < 1000) cache.set(glob, regexp);
  return regexp;
}

export function matchesGlob(value: string, glob: string): boolean {
  return globToRegExp(glob).test(value);
}

/**
 * True when `value` matches a positive pattern (or there are only negative ones) and no
 * `!pattern`. An empty list matches everything.
 */
export function matchesPatterns(value: string, patterns: readonly string[]): boolean {
  const positive = patterns.filter((p) => !p.startsWith("!"));
  const negative = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  if (negative.some((p) => matchesGlob(value, p))) return false;
  return positive.length === 0 || positive.some((p) => matchesGlob(value, p));
}
