/**
 * Where the secrets key comes from, and the start-up check that every replica has the same
 * one (issue 16). In order: `C8S_SECRETS_KEY` (base64 of 32 bytes), `C8S_SECRETS_KEY_FILE`
 * (a file holding that base64), else the generated `<home>/secrets.key` (one machine).
 * `C8S_SECRETS_KEY_PREVIOUS` (base64) is accepted for opening during a rotation.
 *
 * The database keeps the current key's check value (`c8s_settings` row `secrets_key_check`,
 * an HMAC of a constant: nothing about the key can be learnt from it). A replica whose key
 * matches neither it nor — mid-rotation — a previous key's refuses to start with
 * SECRETS_KEY_MISMATCH. `rotateSecretsKey` re-seals every value with the current key in one
 * transaction and records the new check value.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { C8sError } from "../../errors/index.ts";
import type { SealedItem, Store } from "../../store/index.ts";
import { credentialSealName } from "./run-execution.ts";
import { hookSealName } from "./hooks.ts";
import { SECRET_KEY_BYTES, SecretBox } from "./secret-box.ts";

export const SECRETS_KEY_CHECK = "secrets_key_check";

export interface SecretsKeySource {
  /** base64 of 32 bytes (C8S_SECRETS_KEY). */
  key?: string | undefined;
  /** A file holding that base64 (C8S_SECRETS_KEY_FILE). */
  keyFile?: string | undefined;
  /** The key before a rotation, still accepted for opening (C8S_SECRETS_KEY_PREVIOUS). */
  previousKey?: string | undefined;
}

/** Decodes a configured key; the error names the setting, never the value. */
export function decodeKey(text: string, setting: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== SECRET_KEY_BYTES)
    throw new C8sError("CONFIG_INVALID", `${setting} must be the base64 of ${SECRET_KEY_BYTES} bytes`, {
      details: { setting },
      hint: "Generate one with: openssl rand -base64 32",
    });
  return key;
}

/** The SecretBox this server seals and opens with. */
export async function openSecretBox(home: string, source: SecretsKeySource = {}): Promise<SecretBox> {
  const previous = source.previousKey === undefined ? [] : [decodeKey(source.previousKey, "C8S_SECRETS_KEY_PREVIOUS")];
  if (source.key !== undefined) return SecretBox.fromKey(decodeKey(source.key, "C8S_SECRETS_KEY"), previous);
  if (source.keyFile !== undefined) {
    const text = await readFile(source.keyFile, "utf8").catch((error: unknown) => {
      throw new C8sError("CONFIG_INVALID", "cannot read the file C8S_SECRETS_KEY_FILE names", {
        details: { setting: "C8S_SECRETS_KEY_FILE" },
        hint: "Mount the secrets key file (a Kubernetes Secret) where C8S_SECRETS_KEY_FILE points, readable by c8s.",
        cause: error,
      });
    });
    return SecretBox.fromKey(decodeKey(text, "C8S_SECRETS_KEY_FILE"), previous);
  }
  const box = await SecretBox.open(join(home, "secrets.key"));
  return previous.length === 0 ? box : SecretBox.withPrevious(box, previous);
}

function aad(item: SealedItem): string {
  if (item.kind === "secret") return item.name;
  if (item.kind === "hook") return hookSealName(item.hookId);
  return credentialSealName(item.repoUrl);
}

function mismatch(): C8sError {
  return new C8sError(
    "SECRETS_KEY_MISMATCH",
    "the secrets key configured on this server is not the key this database's secrets are sealed with",
    {
      hint: "Give every replica the same key (C8S_SECRETS_KEY or C8S_SECRETS_KEY_FILE, e.g. from one Kubernetes Secret). During a rotation set the old key as C8S_SECRETS_KEY_PREVIOUS; see docs/security.md, 'The secrets key'.",
    },
  );
}

/**
 * Refuses a key that is not this database's. A database without a check value (first start,
 * or secrets written before migration 13) records this key's — after opening one stored
 * secret with it, so a wrong key is refused even then.
 */
export async function verifySecretsKey(
  store: Store,
  box: SecretBox,
): Promise<{ state: "ok" | "recorded" | "rotation-pending" }> {
  const stored = await store.settings.get(SECRETS_KEY_CHECK);
  if (stored === null) {
    const sample = (await store.secrets.list(undefined))[0];
    if (sample !== undefined) {
      const record = await store.secrets.get(sample.teamId, sample.name);
      if (record !== null)
        try {
          box.open(sample.name, record.ciphertext);
        } catch {
          throw mismatch();
        }
    }
    const now = await store.settings.putIfAbsent(SECRETS_KEY_CHECK, box.checkValue);
    if (now !== box.checkValue && !box.previousCheckValues.includes(now)) throw mismatch();
    return { state: now === box.checkValue ? "recorded" : "rotation-pending" };
  }
  if (stored === box.checkValue) return { state: "ok" };
  if (box.previousCheckValues.includes(stored)) return { state: "rotation-pending" };
  throw mismatch();
}

/**
 * Re-seals every secret, repository credential and hook secret with the box's current key in one
 * transaction (a value no key of the box opens rolls it all back) and records the current
 * key's check value. Safe to repeat.
 */
export async function rotateSecretsKey(
  store: Store,
  box: SecretBox,
): Promise<{ secrets: number; credentials: number; hooks: number }> {
  return store.secrets.resealAll((item, sealed) => box.reseal(aad(item), sealed), {
    name: SECRETS_KEY_CHECK,
    value: box.checkValue,
  });
}
