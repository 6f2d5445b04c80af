// ANSI SGR colours of a log → escaped HTML spans, for the dashboard's log pane (browser and
// tests). Text is always escaped; classes and colours come only from numbers the parser read,
// so no byte of the log reaches the page as markup. Other escape sequences (cursor moves,
// clears, OSC titles) are dropped; a sequence split across chunks is held until it completes.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// eslint-disable-next-line no-control-regex
const SEQUENCE = /^\x1b(?:\[([0-9;:?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/;
// eslint-disable-next-line no-control-regex
const PARTIAL = /^\x1b(?:\[[0-9;:?]*[ -/]*|\][^\x07\x1b]*\x1b?)?$/;

const CUBE = [0, 95, 135, 175, 215, 255];
const hex = (n) => n.toString(16).padStart(2, "0");
function color256(n) {
  if (n < 16) return { cls: n };
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return { css: `#${hex(v)}${hex(v)}${hex(v)}` };
  }
  const i = n - 16;
  return { css: `#${hex(CUBE[Math.floor(i / 36)])}${hex(CUBE[Math.floor(i / 6) % 6])}${hex(CUBE[i % 6])}` };
}
const byte = (v) => Math.max(0, Math.min(255, Number(v) || 0));

function freshStyle() {
  return { bold: false, dim: false, italic: false, underline: false, fg: null, bg: null };
}

function applySgr(style, params) {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) Object.assign(style, freshStyle());
    else if (c === 1) style.bold = true;
    else if (c === 2) style.dim = true;
    else if (c === 3) style.italic = true;
    else if (c === 4) style.underline = true;
    else if (c === 22) style.bold = style.dim = false;
    else if (c === 23) style.italic = false;
    else if (c === 24) style.underline = false;
    else if (c >= 30 && c <= 37) style.fg = { cls: c - 30 };
    else if (c >= 90 && c <= 97) style.fg = { cls: c - 90 + 8 };
    else if (c === 39) style.fg = null;
    else if (c >= 40 && c <= 47) style.bg = { cls: c - 40 };
    else if (c >= 100 && c <= 107) style.bg = { cls: c - 100 + 8 };
    else if (c === 49) style.bg = null;
    else if (c === 38 || c === 48) {
      let value = null;
      if (codes[i + 1] === 5) {
        value = color256(byte(codes[i + 2]));
        i += 2;
      } else if (codes[i + 1] === 2) {
        value = { css: `rgb(${byte(codes[i + 2])},${byte(codes[i + 3])},${byte(codes[i + 4])})` };
        i += 4;
      }
      if (c === 38) style.fg = value;
      else style.bg = value;
    }
  }
}

function segmentOf(text, style) {
  const classes = [];
  if (style.bold) classes.push("ansi-b");
  if (style.dim) classes.push("ansi-d");
  if (style.italic) classes.push("ansi-i");
  if (style.underline) classes.push("ansi-u");
  const css = [];
  if (style.fg?.cls !== undefined) classes.push(`ansi-fg${style.fg.cls}`);
  else if (style.fg?.css) css.push(`color:${style.fg.css}`);
  if (style.bg?.cls !== undefined) classes.push(`ansi-bg${style.bg.cls}`);
  else if (style.bg?.css) css.push(`background-color:${style.bg.css}`);
  return { text, classes, css: css.join(";") };
}

/** A parser that keeps the current style and any unfinished sequence between chunks. */
export function createAnsiParser() {
  const style = freshStyle();
  let pending = "";
  return {
    push(chunk) {
      let s = pending + chunk;
      pending = "";
      // A carriage return may be followed by a newline in the next chunk.
      if (s.endsWith("\r")) {
        pending = "\r";
        s = s.slice(0, -1);
      }
      s = s.replace(/\r\n/g, "\n").replace(/\r/g, "\n");
      const out = [];
      let text = "";
      let i = 0;
      while (i < s.length) {
        const esc = s.indexOf("\x1b", i);
        if (esc < 0) {
          text += s.slice(i);
          break;
        }
        text += s.slice(i, esc);
        const rest = s.slice(esc);
        const m = SEQUENCE.exec(rest);
        if (m === null) {
          if (rest.length < 256 && PARTIAL.test(rest)) {
            pending = rest + pending;
            break;
          }
          i = esc + 1;
          continue;
        }
        if (m[2] === "m") {
          if (text) out.push(segmentOf(text, style));
          text = "";
          applySgr(style, m[1] ?? "");
        }
        i = esc + m[0].length;
      }
      if (text) out.push(segmentOf(text, style));
      return out;
    },
  };
}

/** Segments as HTML: escaped text, in a span when styled. */
export function segmentsToHtml(segments) {
  return segments
    .map((seg) => {
      const text = escapeHtml(seg.text);
      if (seg.classes.length === 0 && !seg.css) return text;
      const cls = seg.classes.length > 0 ? ` class="${seg.classes.join(" ")}"` : "";
      const css = seg.css ? ` style="${escapeHtml(seg.css)}"` : "";
      return `<span${cls}${css}>${text}</span>`;
    })
    .join("");
}

/** A whole text at once (tests, finished logs). */
export function ansiToHtml(text) {
  return segmentsToHtml(createAnsiParser().push(text));
}
