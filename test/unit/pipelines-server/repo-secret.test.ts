/** The pure parts of `repoSecret`: a secret's value as a git credential, its masks, which URLs take one. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isC8sError } from "../../../src/errors/index.ts";
import {
  credentialFromSecret,
  credentialMasks,
  repoSecretUrlRefusal,
  TOKEN_USERNAME,
} from "../../../src/pipelines/service/repo-secret.ts";

void describe("credentialFromSecret", () => {
  const accepted: { name: string; value: string; want: { username: string; password: string } }[] = [
    { name: "a bare token", value: "ghp_abc123", want: { username: TOKEN_USERNAME, password: "ghp_abc123" } },
    { name: "username:password", value: "alice:pw", want: { username: "alice", password: "pw" } },
    { name: "the first colon splits", value: "alice:p:w:x", want: { username: "alice", password: "p:w:x" } },
    { name: "one trailing LF is dropped", value: "tok\n", want: { username: TOKEN_USERNAME, password: "tok" } },
    { name: "one trailing CRLF is dropped", value: "bob:pw\r\n", want: { username: "bob", password: "pw" } },
    { name: "an @ stays in the password", value: "bob:p@ss", want: { username: "bob", password: "p@ss" } },
  ];
  for (const c of accepted) void it(c.name, () => assert.deepEqual(credentialFromSecret("TOKEN", c.value), c.want));

  const refused: { name: string; value: string; why: RegExp }[] = [
    { name: "empty", value: "", why: /empty/ },
    { name: "only a line break", value: "\n", why: /empty/ },
    { name: "a line break inside", value: "tok\nurl=https://evil", why: /line break/ },
    { name: "two trailing line breaks", value: "tok\n\n", why: /line break/ },
    { name: "a NUL", value: "a\0b", why: /NUL/ },
    { name: "an empty user name", value: ":pw", why: /user name/ },
    { name: "an empty password", value: "alice:", why: /password/ },
  ];
  for (const c of refused)
    void it(`refuses ${c.name}, without echoing the value`, () => {
      const secret = `${c.value}`;
      assert.throws(
        () => credentialFromSecret("TOKEN", secret),
        (error: unknown) => {
          assert.ok(isC8sError(error));
          assert.equal(error.code, "INVALID_ARGUMENT");
          assert.match(error.message, c.why);
          assert.match(error.message, /secret TOKEN/);
          if (secret.length > 3) assert.ok(!JSON.stringify(error.toJSON()).includes(secret));
          return true;
        },
      );
    });
});

void describe("credentialMasks", () => {
  void it("masks the stored value and the password, once each", () => {
    assert.deepEqual(credentialMasks("alice:pw", { username: "alice", password: "pw" }), ["alice:pw", "pw"]);
    assert.deepEqual(credentialMasks("tok", { username: TOKEN_USERNAME, password: "tok" }), ["tok"]);
  });
  void it("a token-only URL's token is its user name", () => {
    assert.deepEqual(credentialMasks(undefined, { username: "tok", password: "" }), ["tok"]);
  });
});

void describe("repoSecretUrlRefusal", () => {
  const cases: { url: string; refused: RegExp | null }[] = [
    { url: "https://github.com/acme/app.git", refused: null },
    { url: "http://127.0.0.1:8080/app.git", refused: null },
    { url: "HTTPS://github.com/acme/app.git", refused: null },
    { url: "ssh://git@github.com/acme/app.git", refused: /only https/ },
    { url: "git@github.com:acme/app.git", refused: /only https/ },
    { url: "file:///srv/app", refused: /only https/ },
    { url: "/srv/app", refused: /only https/ },
    { url: "https://alice:pw@github.com/acme/app.git", refused: /credential of its own/ },
    { url: "https://***@github.com/acme/app.git", refused: /credential of its own/ },
    { url: "https://github.com/acme/app.git?x=a@b", refused: null },
  ];
  for (const c of cases)
    void it(c.url, () => {
      const why = repoSecretUrlRefusal(c.url);
      if (c.refused === null) assert.equal(why, undefined);
      else assert.match(why ?? "", c.refused);
    });
});
