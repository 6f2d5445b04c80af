/**
 * HTML by tagged template: `html\`<p>${name}</p>\`` escapes every interpolation unless it is
 * already `Html` (another `html` result, or `raw()` of a constant the caller vouches for).
 * Arrays are joined, null/undefined/false render nothing. There is no other way to build a page.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v)).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}

/** Markup the caller vouches for (a constant, or output of a builder that escapes itself). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** A JSON value for an attribute (`hx-headers='…'`): escaped like any text. */
export function jsonAttr(value: unknown): string {
  return JSON.stringify(value);
}
