/**
 * Finding a secret in bytes that cannot be masked (a binary artifact, a tar): the same forms
 * the masker replaces (`secretPatterns`: raw, base64 at every offset and wrapped, hex, URL
 * encodings, JSON escapes), matched by the same `matchAt`, but the answer is the secret's
 * NAME — the bytes pass unchanged and the caller refuses them.
 *
 * Streaming with a bounded overlap: after each chunk only the last `longest span - 1` bytes are
 * kept and searched again with the next chunk, so a secret split across chunks (at any byte)
 * is found and memory stays bounded whatever the size of the data.
 */
import { matchAt, type Pattern, patternSpan, secretPatterns, toPattern } from "./masking.ts";

export interface NamedSecret {
  name: string;
  value: string;
}

interface NamedPattern extends Pattern {
  name: string;
}

export class SecretScanner {
  /** Patterns by first byte, longest first. */
  private readonly index: (NamedPattern[] | undefined)[] = new Array<NamedPattern[] | undefined>(256);
  /** Bytes kept between chunks: a match starting there may end in the next chunk. */
  private readonly overlap: number;
  private readonly empty: boolean;
  private tail: Buffer = Buffer.alloc(0);
  private found: string | undefined;

  constructor(secrets: Iterable<NamedSecret>) {
    let longest = 0;
    for (const { name, value } of secrets)
      for (const [form, wrapped] of secretPatterns(value)) {
        const pattern = { ...toPattern(form, wrapped), name };
        longest = Math.max(longest, patternSpan(pattern));
        const first = pattern.bytes[0] as number;
        (this.index[first] ??= []).push(pattern);
      }
    for (const list of this.index) list?.sort((a, b) => b.bytes.length - a.bytes.length);
    this.overlap = Math.max(0, longest - 1);
    this.empty = longest === 0;
  }

  /** The name of the first secret found so far, if any. */
  get secret(): string | undefined {
    return this.found;
  }

  /** Scans the next chunk; returns the name of a secret found so far (then scanning stops). */
  write(chunk: Uint8Array): string | undefined {
    if (this.found !== undefined || this.empty) return this.found;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.tail.length > 0 ? Buffer.concat([this.tail, bytes]) : bytes;
    this.found = this.search(data);
    // Copied: the kept tail must not pin the whole chunk in memory.
    this.tail = Buffer.from(data.subarray(Math.max(0, data.length - this.overlap)));
    return this.found;
  }

  /** The data ended: a match can no longer grow. */
  end(): string | undefined {
    return this.found;
  }

  /**
   * A match that is still partial at the end of `data` starts within its last `overlap`
   * bytes (a match spans at most `overlap + 1`), which the next `write` searches again.
   */
  private search(data: Buffer): string | undefined {
    for (let i = 0; i < data.length; i++) {
      const candidates = this.index[data[i] as number];
      if (candidates === undefined) continue;
      for (const pattern of candidates) if (matchAt(data, i, pattern) > 0) return pattern.name;
    }
    return undefined;
  }
}

/** The name of a secret whose value shows in `text` in any masked form, if any. */
export function findSecret(text: string | Uint8Array, secrets: Iterable<NamedSecret>): string | undefined {
  return new SecretScanner(secrets).write(typeof text === "string" ? Buffer.from(text, "utf8") : text);
}
