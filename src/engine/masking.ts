/**
 * Streaming secret masking. Every log sink (live stream, persisted log, API, CLI) reads the
 * output of a `MaskingStream`, never raw step output.
 *
 * Correct at any chunk boundary: a stream holds back only a tail that is a proper prefix of
 * some pattern (so at most longest-pattern-minus-one bytes) and re-examines it with the next
 * chunk; `end()` flushes it. A secret is masked in its raw form, base64 (all three alignments,
 * standard and URL alphabets, padded or not, line-wrapped at any column ≥ 16 with LF or CRLF),
 * hex (lower/upper), percent-encoded (strict, Python `quote`/`quote_plus`, JS
 * `encodeURIComponent`; `%20` or `+`; either hex case) and JSON-escaped forms (with `\/` and
 * `\uXXXX`); each line of a multi-line secret is masked too. `::add-mask::VALUE` lines
 * register VALUE at run time and are dropped.
 */
import { Transform, type TransformCallback } from "node:stream";

export const DEFAULT_MASK = "***";
const ADD_MASK = Buffer.from("::add-mask::");
/** Longest `::add-mask::` line accepted; a longer one is dropped whole (it may hold a secret). */
const MAX_COMMAND_LINE = 64 * 1024;

/** A pattern and whether line breaks inside it are skipped (base64 wrapped at any column). */
export interface Pattern {
  bytes: Buffer;
  wrapped: boolean;
  /** Line breaks a wrapped match may span: enough for wrapping at 16 columns or more. */
  maxBreaks: number;
}

function base64Forms(value: Buffer): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), value]).toString("base64");
    // Characters whose 6 bits come from `value` alone, whatever surrounds it.
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + value.length) * 8 - 6) / 6);
    if (last - first + 1 < 4) continue;
    const stable = encoded.slice(first, last + 1);
    forms.push(stable, stable.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

const ALPHANUMERIC = /[A-Za-z0-9]/;

/**
 * Percent-encodings, by the ASCII characters each encoder leaves as they are (besides
 * letters and digits): strict RFC 3986 and Python's `quote_plus`, Python's `quote` (also
 * `/`), JS `encodeURIComponent` (also `!'()*`), HTML forms / `URLSearchParams` (`*-._`, not
 * `~`); each with `%20` or `+` for spaces and upper- or lower-case hex digits.
 */
function percentForms(value: string): string[] {
  const keepSets = ["-._~", "-._~/", "-._~!'()*", "*-._"];
  const forms: string[] = [];
  const bytes = Buffer.from(value, "utf8");
  for (const keep of keepSets) {
    let encoded = "";
    for (const byte of bytes) {
      const ch = String.fromCharCode(byte);
      if (byte < 0x80 && (ALPHANUMERIC.test(ch) || keep.includes(ch))) encoded += ch;
      else encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
    for (const form of [encoded, encoded.replace(/%20/g, "+")])
      forms.push(
        form,
        form.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
      );
  }
  return forms;
}

function jsonForms(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const unicode = (range: RegExp) => (text: string) =>
    text.replace(range, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const variants = [
    plain,
    // non-ASCII as \uXXXX: Python's json.dumps (from U+0080) and others (from U+007F)
    unicode(/[\u0080-\uffff]/g)(plain),
    unicode(/[\u007f-\uffff]/g)(plain),
  ];
  const forms: string[] = [];
  for (const form of variants)
    forms.push(
      form,
      form.replace(/\//g, "\\/"),
      form.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`),
    );
  return forms;
}

/** Every form of a secret value that is masked (base64 forms also match when line-wrapped). */
export function secretForms(value: string): string[] {
  return [...secretPatterns(value).keys()];
}

/** Forms of a value → whether line breaks may appear inside it (base64 only). */
export function secretPatterns(value: string): Map<string, boolean> {
  const forms = new Map<string, boolean>();
  if (value.length === 0) return forms;
  const add = (form: string, wrapped = false) => {
    if (form.length > 0) forms.set(form, wrapped || (forms.get(form) ?? false));
  };
  add(value);
  const bytes = Buffer.from(value, "utf8");
  for (const form of base64Forms(bytes)) add(form, true);
  add(bytes.toString("hex"));
  add(bytes.toString("hex").toUpperCase());
  for (const form of percentForms(value)) add(form);
  for (const form of jsonForms(value)) add(form);
  if (value.includes("\n")) for (const line of value.split(/\r?\n/)) if (line.trim().length >= 4) add(line.trim());
  return forms;
}

/** A form as matched: a wrapped one may span one line break per 16 bytes (and one more). */
export function toPattern(form: string, wrapped: boolean): Pattern {
  const bytes = Buffer.from(form, "utf8");
  return { bytes, wrapped, maxBreaks: wrapped ? Math.ceil(bytes.length / 16) + 1 : 0 };
}

/** The most bytes a match of `pattern` spans: its bytes plus up to two (CR LF) per break. */
export function patternSpan(pattern: Pattern): number {
  return pattern.bytes.length + 2 * pattern.maxBreaks;
}

export interface MaskerOptions {
  replacement?: string;
}

/** The set of values masked in one run. Shared by every stream of the run. */
export class SecretMasker {
  readonly replacement: Buffer;
  /** Form → whether it may be line-wrapped. */
  private readonly patterns = new Map<string, boolean>();
  /** Every value registered, in order (given ones and `::add-mask::` ones). */
  private readonly registered: string[] = [];
  /** Patterns by first byte, longest first. */
  private index = new Map<number, Pattern[]>();
  private longest = 0;

  constructor(values: Iterable<string> = [], options: MaskerOptions = {}) {
    this.replacement = Buffer.from(options.replacement ?? DEFAULT_MASK);
    for (const value of values) this.add(value);
  }

  /** Registers a value (and its encoded forms). Takes effect for bytes not yet emitted. */
  add(value: string): void {
    if (value.length > 0 && !this.registered.includes(value)) this.registered.push(value);
    let changed = false;
    for (const [form, wrapped] of secretPatterns(value)) {
      if (this.patterns.get(form) === wrapped) continue;
      this.patterns.set(form, wrapped || (this.patterns.get(form) ?? false));
      changed = true;
    }
    if (changed) this.rebuild();
  }

  /** The values registered so far (for scanners that must name what they found; never shown). */
  values(): readonly string[] {
    return this.registered;
  }

  get size(): number {
    return this.patterns.size;
  }

  get maxPatternLength(): number {
    return this.longest;
  }

  candidates(firstByte: number): readonly Pattern[] | undefined {
    return this.index.get(firstByte);
  }

  createStream(options: StreamOptions = {}): MaskingStream {
    return new MaskingStream(this, options);
  }

  /** Masks a complete string (for messages that are not streamed; no `::add-mask::` handling). */
  maskString(text: string): string {
    const stream = this.createStream({ commands: false });
    return Buffer.concat([stream.write(Buffer.from(text)), stream.end()]).toString("utf8");
  }

  private rebuild(): void {
    const index = new Map<number, Pattern[]>();
    let longest = 0;
    for (const [form, wrapped] of this.patterns) {
      const pattern = toPattern(form, wrapped);
      longest = Math.max(longest, patternSpan(pattern));
      const first = pattern.bytes[0] as number;
      const list = index.get(first) ?? [];
      list.push(pattern);
      index.set(first, list);
    }
    for (const list of index.values()) list.sort((a, b) => b.bytes.length - a.bytes.length);
    this.index = index;
    this.longest = longest;
  }
}

function startsWithAt(data: Buffer, at: number, pattern: Buffer, length: number): boolean {
  for (let k = 0; k < length; k++) if (data[at + k] !== pattern[k]) return false;
  return true;
}

export interface StreamOptions {
  /**
   * Whether `::add-mask::VALUE` lines register VALUE and are dropped (default true: step
   * output). False for bytes that are not commands to c8s: artifacts, error messages.
   */
  commands?: boolean;
}

/**
 * Masks one byte stream (stdout or stderr of one step). `write` returns the bytes that are
 * safe to emit now; `end` returns the rest. Handles `::add-mask::` lines unless told not to.
 */
export class MaskingStream {
  private pending: Buffer = Buffer.alloc(0);
  /** Line-command state: bytes of the current line start, while it may be `::add-mask::`. */
  private lineStart = true;
  private command: Buffer[] | null = null;
  private commandBytes = 0;
  private commandOverflow = false;
  private probe: Buffer = Buffer.alloc(0);

  private readonly handleCommands: boolean;

  constructor(
    private readonly masker: SecretMasker,
    options: StreamOptions = {},
  ) {
    this.handleCommands = options.commands ?? true;
  }

  write(chunk: Uint8Array): Buffer {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return this.mask(this.handleCommands ? this.commands(bytes) : bytes, false);
  }

  end(): Buffer {
    // An unterminated `::add-mask::` line at the end still registers its value.
    if (this.command !== null) this.finishCommand();
    const rest = this.probe;
    this.probe = Buffer.alloc(0);
    return this.mask(rest, true);
  }

  /** Strips `::add-mask::` lines (registering their values); returns the other bytes. */
  private commands(input: Buffer): Buffer {
    const out: Buffer[] = [];
    const data = this.probe.length > 0 ? Buffer.concat([this.probe, input]) : input;
    this.probe = Buffer.alloc(0);
    let i = 0;
    while (i < data.length) {
      if (this.command !== null) {
        const newline = data.indexOf(0x0a, i);
        const end = newline === -1 ? data.length : newline;
        if (!this.commandOverflow) {
          this.commandBytes += end - i;
          if (this.commandBytes > MAX_COMMAND_LINE) {
            this.commandOverflow = true;
            this.command = [];
          } else this.command.push(data.subarray(i, end));
        }
        if (newline === -1) return Buffer.concat(out);
        this.finishCommand();
        i = newline + 1;
        this.lineStart = true;
        continue;
      }
      if (this.lineStart) {
        const available = Math.min(ADD_MASK.length, data.length - i);
        if (startsWithAt(data, i, ADD_MASK, available)) {
          if (available < ADD_MASK.length) {
            this.probe = Buffer.from(data.subarray(i));
            return Buffer.concat(out);
          }
          this.command = [];
          this.commandBytes = 0;
          this.commandOverflow = false;
          i += ADD_MASK.length;
          continue;
        }
        this.lineStart = false;
      }
      const newline = data.indexOf(0x0a, i);
      const end = newline === -1 ? data.length : newline + 1;
      out.push(data.subarray(i, end));
      i = end;
      if (newline !== -1) this.lineStart = true;
    }
    return Buffer.concat(out);
  }

  private finishCommand(): void {
    const value = Buffer.concat(this.command ?? [])
      .toString("utf8")
      .replace(/\r$/, "");
    if (!this.commandOverflow && value.trim().length > 0) this.masker.add(value.trim());
    this.command = null;
    this.commandOverflow = false;
  }

  private mask(input: Buffer, final: boolean): Buffer {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, input]) : input;
    this.pending = Buffer.alloc(0);
    const out: Buffer[] = [];
    let copyFrom = 0;
    let i = 0;
    outer: while (i < data.length) {
      const candidates = this.masker.candidates(data[i] as number);
      if (candidates === undefined) {
        i++;
        continue;
      }
      if (!final)
        for (const pattern of candidates)
          if (matchAt(data, i, pattern) === PARTIAL) {
            // Could be the start of a secret: hold the tail back until more bytes arrive.
            out.push(data.subarray(copyFrom, i));
            this.pending = Buffer.from(data.subarray(i));
            return Buffer.concat(out);
          }
      for (const pattern of candidates) {
        const end = matchAt(data, i, pattern);
        if (end > 0) {
          out.push(data.subarray(copyFrom, i), this.masker.replacement);
          i = end;
          copyFrom = i;
          continue outer;
        }
      }
      i++;
    }
    out.push(data.subarray(copyFrom));
    return Buffer.concat(out);
  }
}

export const NO_MATCH = -1;
/** The data ended while the pattern still matched. */
export const PARTIAL = -2;

/**
 * Matches `pattern` at `at`: the end offset of the match, NO_MATCH or PARTIAL. A wrapped
 * pattern skips CR/LF between its bytes (at most `maxBreaks` line breaks), so base64 wrapped
 * at any column of 16 or more is matched whatever the wrap position. Bounded by the pattern's
 * length plus its breaks, so masking stays linear in the data.
 */
export function matchAt(data: Buffer, at: number, pattern: Pattern): number {
  const { bytes } = pattern;
  if (!pattern.wrapped) {
    const available = Math.min(bytes.length, data.length - at);
    if (!startsWithAt(data, at, bytes, available)) return NO_MATCH;
    return available < bytes.length ? PARTIAL : at + bytes.length;
  }
  let j = at;
  let breaks = 0;
  for (let k = 0; k < bytes.length; k++) {
    if (k > 0)
      while (j < data.length && (data[j] === 0x0a || data[j] === 0x0d)) {
        if (data[j] === 0x0a && ++breaks > pattern.maxBreaks) return NO_MATCH;
        j++;
      }
    if (j >= data.length) return PARTIAL;
    if (data[j] !== bytes[k]) return NO_MATCH;
    j++;
  }
  return j;
}

/** Masks `text` with every form of every value in `secrets` (a message, a reason, a path). */
export function maskText(text: string, secrets: Iterable<string>): string {
  return new SecretMasker(secrets).maskString(text);
}

/** A Node Transform that masks a byte stream with one `MaskingStream`. */
export function createMaskingTransform(masker: SecretMasker, options: StreamOptions = {}): Transform {
  const stream = masker.createStream(options);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const out = stream.write(chunk);
      callback(null, out.length > 0 ? out : undefined);
    },
    flush(callback: TransformCallback) {
      const out = stream.end();
      callback(null, out.length > 0 ? out : undefined);
    },
  });
}
