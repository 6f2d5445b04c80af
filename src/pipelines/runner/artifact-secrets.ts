/**
 * Secrets in artifacts, decided while an artifact is stored (streaming: a file is never held
 * whole). A file is **text** when its first 8 KiB hold no NUL byte and are valid UTF-8; text
 * is stored masked by the run's masker, exactly as its logs are. A **binary** file — and
 * every directory artifact, stored as a tar — cannot be masked without corrupting it, so it
 * is scanned for the same forms instead (`SecretScanner`, with an overlap between chunks) and,
 * if one shows, refused: the store removes the partial file and the step fails naming the
 * secret (never its value). A path that shows a secret is refused the same way.
 */
import { Transform, type TransformCallback } from "node:stream";
import { C8sError } from "../../errors/index.ts";
import type { MaskingStream, SecretMasker } from "../../engine/masking.ts";
import { findSecret, type NamedSecret, SecretScanner } from "../../engine/secret-scan.ts";

/** How much of a file decides text or binary. */
export const SNIFF_BYTES = 8 * 1024;

/** Binary: a NUL byte or invalid UTF-8 in `prefix` (a sequence cut at its end is no fault unless `complete`). */
export function looksBinary(prefix: Uint8Array, complete: boolean): boolean {
  if (prefix.includes(0)) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(prefix, { stream: !complete });
    return false;
  } catch {
    return true;
  }
}

export type ArtifactKind = "file" | "tar";

/** The run's secrets as the artifact collector uses them. */
export interface ArtifactSecretGuard {
  /** The name of a secret whose value shows in `path`, if any. */
  pathSecret(path: string): string | undefined;
  /** `path` with every secret masked (for a refused artifact's listing). */
  maskPath(path: string): string;
  /** The transform an artifact is stored through: masks text, refuses binary with a secret. */
  filter(path: string, kind: ArtifactKind): Transform;
}

/** The error the filter fails the store with; `collectArtifacts` lists the artifact as refused. */
export function artifactRefused(path: string, secret: string, why: string): C8sError {
  return new C8sError("ARTIFACT_REFUSED", `artifact '${path}' contains secret ${secret} (${why})`, {
    details: { path, secret },
    hint: "Do not write secrets into artifacts; text files are stored masked, binary files and directories are refused.",
  });
}

/**
 * Named secrets: the run's (by name) plus values registered at run time with `::add-mask::`,
 * which have no name of their own.
 */
function namedSecrets(secrets: Record<string, string>, masker: SecretMasker): NamedSecret[] {
  const named = Object.entries(secrets).map(([name, value]) => ({ name, value }));
  const known = new Set(Object.values(secrets));
  for (const value of masker.values())
    if (!known.has(value)) named.push({ name: "(a value masked with ::add-mask::)", value });
  return named;
}

export function artifactSecretGuard(secrets: Record<string, string>, masker: SecretMasker): ArtifactSecretGuard {
  return {
    pathSecret: (path) => findSecret(path, namedSecrets(secrets, masker)),
    maskPath: (path) => masker.maskString(path),
    filter: (path, kind) => new ArtifactSecretFilter(path, kind, masker, namedSecrets(secrets, masker)),
  };
}

/** Sniffs, then masks (text) or scans (binary, tar). Errors with `ARTIFACT_REFUSED`. */
export class ArtifactSecretFilter extends Transform {
  private mode: "sniff" | "text" | "binary";
  private sniffed: Buffer[] = [];
  private sniffedBytes = 0;
  private masking: MaskingStream | undefined;
  private scanner: SecretScanner | undefined;

  constructor(
    private readonly path: string,
    private readonly kind: ArtifactKind,
    private readonly masker: SecretMasker,
    private readonly secrets: NamedSecret[],
  ) {
    super();
    this.mode = kind === "tar" ? this.start("binary") : "sniff";
  }

  /** What the file was taken for (`sniff` until 8 KiB or its end arrived). */
  get verdict(): "sniff" | "text" | "binary" {
    return this.mode;
  }

  private start(mode: "text" | "binary"): "text" | "binary" {
    if (mode === "text") this.masking = this.masker.createStream({ commands: false });
    else this.scanner = new SecretScanner(this.secrets);
    return mode;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.mode !== "sniff") return callback(this.pass(chunk));
    this.sniffed.push(chunk);
    this.sniffedBytes += chunk.length;
    if (this.sniffedBytes < SNIFF_BYTES) return callback();
    callback(this.decide(false));
  }

  override _flush(callback: TransformCallback): void {
    if (this.mode === "sniff") {
      const error = this.decide(true);
      if (error) return callback(error);
    }
    if (this.masking) {
      const rest = this.masking.end();
      if (rest.length > 0) this.push(rest);
    }
    const secret = this.scanner?.end();
    callback(secret === undefined ? null : this.refuse(secret));
  }

  private decide(complete: boolean): Error | null {
    const data = Buffer.concat(this.sniffed);
    this.sniffed = [];
    this.mode = this.start(looksBinary(data.subarray(0, SNIFF_BYTES), complete) ? "binary" : "text");
    return this.pass(data);
  }

  private pass(chunk: Buffer): Error | null {
    if (this.masking) {
      const out = this.masking.write(chunk);
      if (out.length > 0) this.push(out);
      return null;
    }
    const secret = this.scanner?.write(chunk);
    if (secret !== undefined) return this.refuse(secret);
    this.push(chunk);
    return null;
  }

  private refuse(secret: string): C8sError {
    const why =
      this.kind === "tar"
        ? "a directory is stored as a tar, which is not masked: it is refused"
        : "a binary file is not masked: it is refused";
    return artifactRefused(this.path, secret, why);
  }
}
