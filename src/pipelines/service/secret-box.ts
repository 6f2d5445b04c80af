/**
 * Secrets at rest: AES-256-GCM with a server key that never enters the database. By default
 * the key is 32 random bytes in a 0600 file under the c8s home, created on first start;
 * replicas sharing a database get it from configuration (`secrets-key.ts`). The secret's
 * name is bound as associated data, so a ciphertext copied onto another name fails to open.
 *
 * During a key rotation the box holds the new key (which seals) and the previous ones (which
 * still open); `reseal` moves a value onto the current key. `checkValue` is an HMAC of a
 * constant under a key: the database keeps the current key's, so a replica configured with
 * another key is refused at start-up, and nothing about the key can be derived from it.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { C8sError } from "../../errors/index.ts";

const VERSION = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export const SECRET_KEY_BYTES = KEY_BYTES;
const CHECK_INPUT = "c8s secrets key check v1";

/** The check value of a key: `hmac-sha256:` + base64(HMAC-SHA256(key, a constant)). */
export function keyCheckValue(key: Buffer): string {
  return `hmac-sha256:${createHmac("sha256", key).update(CHECK_INPUT).digest("base64")}`;
}

export class SecretBox {
  private readonly previous: readonly Buffer[];

  private constructor(
    private readonly key: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    for (const k of [key, ...previous])
      if (k.length !== KEY_BYTES) throw new C8sError("CONFIG_INVALID", `a secret key must be ${KEY_BYTES} bytes`);
    this.previous = previous;
  }

  static fromKey(key: Buffer, previous: readonly Buffer[] = []): SecretBox {
    return new SecretBox(key, previous);
  }

  /** The same current key, with `previous` accepted for opening too. */
  static withPrevious(box: SecretBox, previous: readonly Buffer[]): SecretBox {
    return new SecretBox(box.key, [...box.previous, ...previous]);
  }

  /** The current key's check value (what the database records). */
  get checkValue(): string {
    return keyCheckValue(this.key);
  }

  /** The previous keys' check values (accepted at start-up while a rotation is pending). */
  get previousCheckValues(): string[] {
    return this.previous.map(keyCheckValue);
  }

  /** Opens with any key this box holds and seals again with the current one. */
  reseal(name: string, sealed: string): string {
    return this.seal(name, this.open(name, sealed));
  }

  /** Reads the key file, creating it (mode 0600) when it does not exist. */
  static async open(keyFile: string): Promise<SecretBox> {
    try {
      const text = (await readFile(keyFile, "utf8")).trim();
      return new SecretBox(Buffer.from(text, "base64"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        throw new C8sError("CONFIG_INVALID", `cannot read the secret key ${keyFile}`, {
          hint: "Restore the key file (secrets stored with another key cannot be decrypted) or remove it and set the secrets again.",
          cause: error,
        });
    }
    const key = randomBytes(KEY_BYTES);
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    await writeFile(keyFile, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" }).catch(async (error) => {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return;
      throw error;
    });
    await chmod(keyFile, 0o600);
    return new SecretBox(Buffer.from((await readFile(keyFile, "utf8")).trim(), "base64"));
  }

  seal(name: string, value: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(name, "utf8"));
    const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  open(name: string, sealed: string): string {
    const fail = () =>
      new C8sError("INTERNAL", `secret ${name} cannot be decrypted with this server's key`, {
        details: { secret: name },
        hint: "The secrets key (C8S_SECRETS_KEY, C8S_SECRETS_KEY_FILE or the key file under the c8s home) was replaced or the row was altered; set the secret again.",
      });
    if (!sealed.startsWith(VERSION)) throw fail();
    const raw = Buffer.from(sealed.slice(VERSION.length), "base64");
    if (raw.length < IV_BYTES + TAG_BYTES) throw fail();
    for (const key of [this.key, ...this.previous]) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(name, "utf8"));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch {
        // the next key, if any
      }
    }
    throw fail();
  }
}
