import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  deliveryPath,
  hookSecret,
  hookView,
  makeHook,
  repositoryKey,
  sameRepositoryUrl,
} from "../../../src/pipelines/service/hooks.ts";
import { SecretBox } from "../../../src/pipelines/service/secret-box.ts";

const box = SecretBox.fromKey(Buffer.alloc(32, 7));
const input = {
  teamId: "red",
  provider: "github" as const,
  repoUrl: "https://h.test/a/b.git",
  repoSecret: null,
  createdBy: null,
};

void describe("team hooks (pure)", () => {
  void it("compares repositories by host and path, not case, .git, a trailing slash or userinfo", () => {
    assert.equal(repositoryKey("https://GitHub.com/Org/Repo.git/"), "github.com/org/repo");
    assert.ok(sameRepositoryUrl("https://x:y@h.test/a/b", "http://h.test/a/b.git"));
    assert.ok(!sameRepositoryUrl("https://h.test/a/b", "https://h.test/a/c"));
    assert.ok(!sameRepositoryUrl("https://h.test/a/b", "https://evil.test/a/b"));
    assert.ok(!sameRepositoryUrl("https://h.test:8443/a/b", "https://h.test/a/b"));
  });

  void it("a new hook has a random secret, sealed under its own id; the view never holds it", () => {
    const one = makeHook(box, input);
    const two = makeHook(box, input);
    assert.notEqual(one.secret, two.secret);
    assert.ok(one.secret.length >= 43, "32 random bytes");
    assert.equal(hookSecret(box, one.record), one.secret);
    assert.ok(!one.record.secretCiphertext.includes(one.secret));
    // A ciphertext moved onto another hook does not open.
    assert.throws(() => hookSecret(box, { ...two.record, secretCiphertext: one.record.secretCiphertext }));
    const view = hookView(one.record);
    assert.equal(view.deliveryPath, deliveryPath("github", one.record.id));
    assert.ok(!JSON.stringify(view).includes(one.secret));
    assert.ok(!JSON.stringify(view).includes(one.record.secretCiphertext));
  });

  void it("a repoSecret needs an https URL without its own credential", () => {
    assert.throws(() => makeHook(box, { ...input, repoUrl: "git@h.test:a/b.git", repoSecret: "T" }), /ssh/);
    assert.throws(() => makeHook(box, { ...input, repoUrl: "https://u:p@h.test/a/b", repoSecret: "T" }), /credential/);
    assert.doesNotThrow(() => makeHook(box, { ...input, repoSecret: "T" }));
  });
});
