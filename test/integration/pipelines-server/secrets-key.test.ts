/**
 * The shared secrets key (issue 16) on a real PGlite store: where the key comes from, the
 * check value that refuses a replica with another key, and `rotateSecretsKey`, which
 * re-seals every secret and repository credential in one transaction (all or nothing) while
 * the previous key still opens them until it is done.
 */
import assert from "node:assert/strict";
import { hookSecret, makeHook } from "../../../src/pipelines/service/hooks.ts";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { C8sError } from "../../../src/errors/index.ts";
import { credentialSealName } from "../../../src/pipelines/service/run-execution.ts";
import { SecretBox } from "../../../src/pipelines/service/secret-box.ts";
import {
  openSecretBox,
  rotateSecretsKey,
  SECRETS_KEY_CHECK,
  verifySecretsKey,
} from "../../../src/pipelines/service/secrets-key.ts";
import { openStore, type Store } from "../../../src/store/index.ts";
import { runRecord } from "../../fixtures/pipelines-server-store-suite.ts";
import { startPipelineServer } from "../../fixtures/pipelines-server.ts";

const dir = await mkdtemp(join(tmpdir(), "c8s-secrets-key-"));
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function freshStore(): Promise<Store> {
  const store = await openStore({});
  stores.push(store);
  return store;
}

const b64 = (key: Buffer) => key.toString("base64");
const isMismatch = (error: unknown) => error instanceof C8sError && error.code === "SECRETS_KEY_MISMATCH";

async function putSecret(store: Store, box: SecretBox, teamId: string, name: string, value: string) {
  const now = new Date().toISOString();
  await store.secrets.put({
    teamId,
    name,
    ciphertext: box.seal(name, value),
    policy: null,
    createdAt: now,
    updatedAt: now,
  });
}

void describe("secrets key", { timeout: 240_000 }, () => {
  void it("comes from C8S_SECRETS_KEY, C8S_SECRETS_KEY_FILE or the home's generated file; a bad one is refused without echoing it", async () => {
    const key = randomBytes(32);
    const fromEnv = await openSecretBox(join(dir, "home-a"), { key: b64(key) });
    const file = join(dir, "key.b64");
    await writeFile(file, `${b64(key)}\n`, { mode: 0o600 });
    const fromFile = await openSecretBox(join(dir, "home-b"), { keyFile: file });
    assert.equal(fromFile.open("X", fromEnv.seal("X", "v")), "v");
    assert.equal(fromEnv.checkValue, fromFile.checkValue);
    assert.ok(!fromEnv.checkValue.includes(b64(key)));
    // Default: the generated file, the same on the next start.
    const generated = await openSecretBox(join(dir, "home-c"));
    assert.equal((await openSecretBox(join(dir, "home-c"))).checkValue, generated.checkValue);
    assert.notEqual(generated.checkValue, fromEnv.checkValue);

    const short = b64(randomBytes(16));
    await assert.rejects(openSecretBox(dir, { key: short }), (error: unknown) => {
      assert.ok(error instanceof C8sError && error.code === "CONFIG_INVALID");
      assert.match(error.message, /C8S_SECRETS_KEY must be the base64 of 32 bytes/);
      assert.ok(!JSON.stringify(error.toJSON?.() ?? error).includes(short));
      return true;
    });
    await assert.rejects(openSecretBox(dir, { keyFile: join(dir, "missing") }), /C8S_SECRETS_KEY_FILE/);
  });

  void it("the database records the first key's check value and refuses another key", async () => {
    const store = await freshStore();
    const box = SecretBox.fromKey(randomBytes(32));
    assert.deepEqual(await verifySecretsKey(store, box), { state: "recorded" });
    assert.equal(await store.settings.get(SECRETS_KEY_CHECK), box.checkValue);
    assert.deepEqual(await verifySecretsKey(store, box), { state: "ok" });
    await assert.rejects(verifySecretsKey(store, SecretBox.fromKey(randomBytes(32))), isMismatch);
  });

  void it("a database from before the check value: a key that cannot open its secrets is refused", async () => {
    const store = await freshStore();
    const old = SecretBox.fromKey(randomBytes(32));
    await putSecret(store, old, "default", "TOKEN", "s3cret");
    await assert.rejects(verifySecretsKey(store, SecretBox.fromKey(randomBytes(32))), isMismatch);
    assert.equal(await store.settings.get(SECRETS_KEY_CHECK), null);
    assert.deepEqual(await verifySecretsKey(store, old), { state: "recorded" });
  });

  void it("rotation re-seals every secret and repository credential; the old key is accepted until it is done", async () => {
    const store = await freshStore();
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const old = SecretBox.fromKey(oldKey);
    await verifySecretsKey(store, old);
    const values = new Map<string, string>();
    for (const [team, name] of [
      ["default", "A"],
      ["default", "B"],
      ["other", "A"],
    ] as const) {
      const value = `${team}-${name}-${randomBytes(4).toString("hex")}`;
      values.set(`${team}/${name}`, value);
      await putSecret(store, old, team, name, value);
    }
    const run = runRecord({ repoUrl: "https://***@git.example/repo.git" });
    await store.runs.insert({
      ...run,
      repoCredential: old.seal(credentialSealName(run.repoUrl), '{"username":"u","password":"p"}'),
    });
    // A team hook's signing secret is sealed too.
    const hook = makeHook(old, {
      teamId: "default",
      provider: "github",
      repoUrl: run.repoUrl,
      repoSecret: null,
      createdBy: null,
    });
    await store.hooks.insert(hook.record);

    // Every replica restarts with the new key and the old one as previous: still accepted.
    const rotating = SecretBox.fromKey(newKey, [oldKey]);
    assert.deepEqual(await verifySecretsKey(store, rotating), { state: "rotation-pending" });
    const stored = await store.secrets.get("default", "A");
    assert.equal(rotating.open("A", stored?.ciphertext ?? ""), values.get("default/A"));

    assert.deepEqual(await rotateSecretsKey(store, rotating), { secrets: 3, credentials: 1, hooks: 1 });
    // The new key alone opens everything; the old one is refused from now on.
    const fresh = SecretBox.fromKey(newKey);
    assert.deepEqual(await verifySecretsKey(store, fresh), { state: "ok" });
    for (const [id, value] of values) {
      const [team, name] = id.split("/") as [string, string];
      const record = await store.secrets.get(team, name);
      assert.equal(fresh.open(name, record?.ciphertext ?? ""), value);
      assert.throws(() => old.open(name, record?.ciphertext ?? ""));
    }
    const credential = (await store.runs.get(run.id))?.repoCredential ?? "";
    assert.equal(fresh.open(credentialSealName(run.repoUrl), credential), '{"username":"u","password":"p"}');
    const resealed = await store.hooks.get(hook.record.id);
    assert.equal(
      resealed === null ? "" : hookSecret(fresh, resealed),
      hook.secret,
      "the hook still verifies deliveries",
    );
    await assert.rejects(verifySecretsKey(store, old), isMismatch);
    // Repeating it is harmless.
    assert.deepEqual(await rotateSecretsKey(store, rotating), { secrets: 3, credentials: 1, hooks: 1 });
  });

  void it("a value no key opens rolls the whole rotation back", async () => {
    const store = await freshStore();
    const oldKey = randomBytes(32);
    const old = SecretBox.fromKey(oldKey);
    await verifySecretsKey(store, old);
    await putSecret(store, old, "default", "GOOD", "kept");
    await putSecret(store, SecretBox.fromKey(randomBytes(32)), "default", "FOREIGN", "x");
    const before = (await store.secrets.get("default", "GOOD"))?.ciphertext;
    const rotating = SecretBox.fromKey(randomBytes(32), [oldKey]);
    await assert.rejects(rotateSecretsKey(store, rotating), /cannot be decrypted/);
    assert.equal((await store.secrets.get("default", "GOOD"))?.ciphertext, before);
    assert.equal(await store.settings.get(SECRETS_KEY_CHECK), old.checkValue);
  });

  void it("over HTTP: a restart with the new key and the old as previous, then POST /v1/secrets-key/rotate", async () => {
    const home = join(dir, "server-home");
    const oldKey = b64(randomBytes(32));
    const newKey = b64(randomBytes(32));
    const first = await startPipelineServer({ home, config: { secrets: { key: oldKey } } });
    try {
      const set = await first.call("POST", "/v1/secrets", { body: { name: "DEPLOY", value: "hunter2" } });
      assert.equal(set.status, 201);
    } finally {
      await first.close();
    }
    // Only the new key: refused at start-up, before anything is served.
    await assert.rejects(startPipelineServer({ home, config: { secrets: { key: newKey } } }), isMismatch);
    const second = await startPipelineServer({ home, config: { secrets: { key: newKey, previousKey: oldKey } } });
    try {
      const rotated = await second.call("POST", "/v1/secrets-key/rotate");
      assert.equal(rotated.status, 200, rotated.text);
      assert.deepEqual(rotated.json, { secrets: 1, credentials: 0, hooks: 0 });
      assert.ok(!rotated.text.includes("hunter2"));
    } finally {
      await second.close();
    }
    // Done: the new key alone starts (the store cases above check every value opens with it).
    const third = await startPipelineServer({ home, config: { secrets: { key: newKey } } });
    try {
      const list = await third.call("GET", "/v1/secrets");
      assert.deepEqual(
        (list.json as { secrets: { name: string }[] }).secrets.map((x) => x.name),
        ["DEPLOY"],
      );
    } finally {
      await third.close();
    }
    await assert.rejects(startPipelineServer({ home, config: { secrets: { key: oldKey } } }), isMismatch);
  });
});
