/**
 * Streaming secret masking. Every log sink (live stream, persisted log, API, CLI) reads the
 * output of a `MaskingStream`, never raw step output.
 *
 * Correct at any chunk boundary: a stream holds back only a tail that is a proper prefix of
 * some pattern (so at most longest-pattern-minus-one bytes) and re-examines it with the next
 * chunk; `end()` flushes it. A secret is masked in its raw, base64 (all three alignments,
 * standard and URL alphabets), URL-encoded and JSON-escaped forms; each line of a multi-line
 * secret is masked too. `::add-mask::VALUE` lines register VALUE at run time and are dropped.
 */
import { Transform, type TransformCallback } from "node:stream";

export const DEFAULT_MASK = "***";
const ADD_MASK = Buffer.from("::add-mask::");
/** Longest `::add-mask::` line accepted; a longer one is dropped whole (it may hold a secret). */
const MAX_COMMAND_LINE = 64 * 1024;

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

/** Every form of a secret value that is masked. */
export function secretForms(value: string): string[] {
  if (value.length === 0) return [];
  const forms = new Set<string>([value]);
  const bytes = Buffer.from(value, "utf8");
  for (const form of base64Forms(bytes)) forms.add(form);
  forms.add(encodeURIComponent(value));
  forms.add(encodeURIComponent(value).replace(/%20/g, "+"));
  forms.add(JSON.stringify(value).slice(1, -1));
  // JSON with non-ASCII escaped as \uXXXX (what some serialisers emit).
  forms.add(
    JSON.stringify(value)
      .slice(1, -1)
      .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
  if (value.includes("\n"))
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= 4) forms.add(line.trim());
  return [...forms].filter((f) => f.length > 0);
}

export interface MaskerOptions {
  replacement?: string;
}

/** The set of values masked in one run. Shared by every stream of the run. */
export class SecretMasker {
  readonly replacement: Buffer;
  private readonly patterns = new Set<string>();
  /** Patterns by first byte, longest first. */
  private index = new Map<number, Buffer[]>();
  private longest = 0;

  constructor(values: Iterable<string> = [], options: MaskerOptions = {}) {
    this.replacement = Buffer.from(options.replacement ?? DEFAULT_MASK);
    for (const value of values) this.add(value);
  }

  /** Registers a value (and its encoded forms). Takes effect for bytes not yet emitted. */
  add(value: string): void {
    let changed = false;
    for (const form of secretForms(value)) {
      if (this.patterns.has(form)) continue;
      this.patterns.add(form);
      changed = true;
    }
    if (changed) this.rebuild();
  }

  get size(): number {
    return this.patterns.size;
  }

  get maxPatternLength(): number {
    return this.longest;
  }

  candidates(firstByte: number): readonly Buffer[] | undefined {
    return this.index.get(firstByte);
  }

  createStream(): MaskingStream {
    return new MaskingStream(this);
  }

  /** Masks a complete string (for messages that are not streamed). */
  maskString(text: string): string {
    const stream = this.createStream();
    return Buffer.concat([stream.write(Buffer.from(text)), stream.end()]).toString("utf8");
  }

  private rebuild(): void {
    const index = new Map<number, Buffer[]>();
    let longest = 0;
    for (const pattern of this.patterns) {
      const bytes = Buffer.from(pattern, "utf8");
      longest = Math.max(longest, bytes.length);
      const first = bytes[0] as number;
      const list = index.get(first) ?? [];
      list.push(bytes);
      index.set(first, list);
    }
    for (const list of index.values()) list.sort((a, b) => b.length - a.length);
    this.index = index;
    this.longest = longest;
  }
}

function startsWithAt(data: Buffer, at: number, pattern: Buffer, length: number): boolean {
  for (let k = 0; k < length; k++) if (data[at + k] !== pattern[k]) return false;
  return true;
}

/**
 * Masks one byte stream (stdout or stderr of one step). `write` returns the bytes that are
 * safe to emit now; `end` returns the rest. Handles `::add-mask::` lines.
 */
export class MaskingStream {
  private pending: Buffer = Buffer.alloc(0);
  /** Line-command state: bytes of the current line start, while it may be `::add-mask::`. */
  private lineStart = true;
  private command: Buffer[] | null = null;
  private commandBytes = 0;
  private commandOverflow = false;
  private probe: Buffer = Buffer.alloc(0);

  constructor(private readonly masker: SecretMasker) {}

  write(chunk: Uint8Array): Buffer {
    return this.mask(this.commands(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)), false);
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
      const remaining = data.length - i;
      if (!final)
        for (const pattern of candidates)
          if (pattern.length > remaining && startsWithAt(data, i, pattern, remaining)) {
            // Could be the start of a secret: hold the tail back until more bytes arrive.
            out.push(data.subarray(copyFrom, i));
            this.pending = Buffer.from(data.subarray(i));
            return Buffer.concat(out);
          }
      for (const pattern of candidates)
        if (pattern.length <= remaining && startsWithAt(data, i, pattern, pattern.length)) {
          out.push(data.subarray(copyFrom, i), this.masker.replacement);
          i += pattern.length;
          copyFrom = i;
          continue outer;
        }
      i++;
    }
    out.push(data.subarray(copyFrom));
    return Buffer.concat(out);
  }
}

/** A Node Transform that masks a byte stream with one `MaskingStream`. */
export function createMaskingTransform(masker: SecretMasker): Transform {
  const stream = masker.createStream();
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
