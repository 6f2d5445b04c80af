/** Credentials out of repository URLs: split, cloneable URL, origin, and redaction of free text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cloneableUrl, redactUrls, splitRepoUrl, urlOrigin } from "../../../src/pipelines/runner/repo-url.ts";

const splits = [
  {
    raw: "https://user:s3cret@git.example/team/repo.git",
    url: "https://***@git.example/team/repo.git",
    credential: { username: "user", password: "s3cret" },
  },
  {
    raw: "https://tok3n@git.example/r.git",
    url: "https://***@git.example/r.git",
    credential: { username: "tok3n", password: "" },
  },
  {
    raw: "HTTP://u:p@ss@host:8080/r?x=1#y",
    url: "HTTP://***@host:8080/r?x=1#y",
    credential: { username: "u", password: "p@ss" },
  },
  { raw: "https://u:p%2Fq%40@host/r", url: "https://***@host/r", credential: { username: "u", password: "p/q@" } },
  { raw: "https://***@host/r", url: "https://***@host/r", credential: undefined },
  { raw: "https://host/r?email=a@b", url: "https://host/r?email=a@b", credential: undefined },
  { raw: "ssh://git@host/r.git", url: "ssh://git@host/r.git", credential: undefined },
  { raw: "file:///tmp/repo", url: "file:///tmp/repo", credential: undefined },
  { raw: "/srv/repo", url: "/srv/repo", credential: undefined },
];

for (const c of splits)
  void test(`splitRepoUrl ${c.raw}`, () => {
    assert.deepEqual(splitRepoUrl(c.raw), { url: c.url, credential: c.credential });
  });

void test("a credential with a control character is refused without echoing it", () => {
  assert.throws(
    () => splitRepoUrl("https://u:a%0Ab@host/r"),
    (e: Error) => /control character/.test(e.message) && !e.message.includes("a\nb") && e.message.includes("***@"),
  );
});

void test("cloneableUrl drops any userinfo of an http(s) URL; urlOrigin scopes the helper", () => {
  assert.equal(cloneableUrl("https://***@host:8080/r.git"), "https://host:8080/r.git");
  assert.equal(cloneableUrl("https://host/r?e=a@b"), "https://host/r?e=a@b");
  assert.equal(cloneableUrl("ssh://git@host/r"), "ssh://git@host/r");
  assert.equal(urlOrigin("HTTPS://***@Host:8080/r.git"), "https://Host:8080");
  assert.equal(urlOrigin("file:///x"), undefined);
});

const texts = [
  ["fatal: unable to access 'https://u:pw@host/r/': 403", "fatal: unable to access 'https://***@host/r/': 403"],
  ["cannot clone https://tok@host/r and http://a:b@c@d/e", "cannot clone https://***@host/r and http://***@d/e"],
  ["ftp://user:pw@host/x ssh://git@host/x", "ftp://***@host/x ssh://git@host/x"],
  ["see https://host/r?mail=a@b", "see https://host/r?mail=a@b"],
] as const;

for (const [input, expected] of texts)
  void test(`redactUrls: ${input}`, () => {
    assert.equal(redactUrls(input), expected);
  });

void test("redactUrls stays linear on hostile text (no backtracking blow-up) and still redacts long credentials", () => {
  // Before the scheme was bounded, 80 KB of `a-a-…` took 7 s; a bound of seconds catches a regression.
  const hostile = ["a-".repeat(100_000), `${"a.".repeat(100_000)}://x`, "a://".repeat(50_000)];
  for (const text of hostile) {
    const started = performance.now();
    redactUrls(text);
    assert.ok(performance.now() - started < 2000, `redactUrls took too long on ${text.slice(0, 8)}…`);
  }
  const token = "t".repeat(10_000);
  assert.equal(redactUrls(`clone https://x-access-token:${token}@github.com/a/b`).includes(token), false);
});
