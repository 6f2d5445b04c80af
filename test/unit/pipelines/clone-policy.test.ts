/** The clone policy: which repository URLs a server run may clone, as a table; and its setting. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configFromEnv, parseConfig } from "../../../src/config/config.ts";
import { isC8sError } from "../../../src/errors/index.ts";
import {
  checkCloneUrl,
  cloneGitOptions,
  cloneUrlRefusal,
  shownCloneUrl,
} from "../../../src/pipelines/runner/clone-policy.ts";
import { parseIPv4 } from "../../../src/pipelines/runner/private-hosts.ts";

const allowed = [
  "https://github.com/c8s/c8s.git",
  "https://user:t0ken@git.example.com/team/repo.git",
  "https://***@git.example.com/team/repo.git",
  "https://git.example.com:8443/r",
  "https://GitHub.com./c8s/c8s",
  "https://8.8.8.8/r",
  "https://172.32.0.1/r",
  "https://100.128.0.1/r",
  "https://[2606:4700::1111]/r",
  "https://xn--bcher-kva.example/r",
  "ssh://git@github.com/c8s/c8s.git",
  "ssh://git@github.com:22/c8s/c8s.git",
  "ssh://[2001:db8::1]/r",
  "git@github.com:c8s/c8s.git",
  "github.com:c8s/c8s.git",
  "git@[2606:4700::1111]:r",
  "[github.com:2222]:c8s/c8s",
];

/** [url, a part of the reason]. */
const refused: Array<[string, RegExp]> = [
  // local paths and file://
  ["file:///srv/repo", /file:\/\/ transport/],
  ["/srv/repo", /local path/],
  ["./repo", /local path/],
  ["repo", /local path/],
  ["../x:y", /local path/],
  // other transports
  ["http://github.com/c8s/c8s", /http:\/\/ transport/],
  ["git://github.com/c8s/c8s", /git:\/\/ transport/],
  ["ftp://example.com/r", /ftp:\/\/ transport/],
  ["git+ssh://github.com/r", /git\+ssh:\/\/ transport/],
  ["HTTPS://github.com/r", /lower case/],
  ["ext::sh -c touch% /tmp/pwned", /remote helper transport ext::/],
  ["fd::3", /remote helper transport fd::/],
  ["hg::https://example.com/r", /remote helper transport hg::/],
  ["::x", /remote helper/],
  // loopback in its spellings
  ["https://127.0.0.1/r", /127\.0\.0\.1 is a loopback address/],
  ["https://127.8.9.10:8443/r", /loopback/],
  ["https://127.1/r", /127\.1 is 127\.0\.0\.1, a loopback/],
  ["https://2130706433/r", /2130706433 is 127\.0\.0\.1/],
  ["https://0x7f000001/r", /127\.0\.0\.1/],
  ["https://0x7f.1/r", /0x7f\.1 is 127\.0\.0\.1/],
  ["https://0177.0.0.1/r", /127\.0\.0\.1/],
  ["https://017700000001/r", /127\.0\.0\.1/],
  ["https://127.0.0.1./r", /loopback/],
  ["https://[::1]/r", /loopback address \(::1\)/],
  ["https://[0:0:0:0:0:0:0:1]/r", /loopback/],
  ["https://[::ffff:127.0.0.1]/r", /IPv4-mapped address of 127\.0\.0\.1/],
  ["https://[::ffff:7f00:1]/r", /IPv4-mapped address of 127\.0\.0\.1/],
  ["https://[::127.0.0.1]/r", /IPv4-compatible/],
  ["https://[::ffff:0:127.0.0.1]/r", /IPv4-translated/],
  ["https://[64:ff9b::127.0.0.1]/r", /NAT64 address of 127\.0\.0\.1/],
  ["https://[2002:7f00:1::]/r", /6to4 address of 127\.0\.0\.1/],
  ["https://localhost/r", /names this machine/],
  ["https://LOCALHOST./r", /names this machine/],
  ["https://c8s.localhost/r", /names this machine/],
  ["https://ip6-localhost/r", /names this machine/],
  ["ssh://git@localhost/r", /names this machine/],
  ["git@localhost:r", /names this machine/],
  ["git@127.0.0.1:r", /loopback/],
  ["git@[::1]:r", /loopback/],
  ["[localhost:22]:r", /names this machine/],
  // this network, link-local, private, CGNAT, multicast, reserved
  ["https://0.0.0.0/r", /this network/],
  ["https://0/r", /0 is 0\.0\.0\.0/],
  ["https://[::]/r", /unspecified/],
  ["https://169.254.169.254/latest/meta-data", /link-local.*metadata/],
  ["https://[fe80::1]/r", /link-local/],
  ["https://[fe80::1%25eth0]/r", /zone index/],
  ["https://[febf::1]/r", /link-local/],
  ["https://10.0.0.1/r", /private address \(10\.0\.0\.0\/8\)/],
  ["https://10.1/r", /10\.0\.0\.1, a private/],
  ["https://172.16.0.1/r", /172\.16\.0\.0\/12/],
  ["https://172.31.255.255/r", /172\.16\.0\.0\/12/],
  ["https://192.168.1.1/r", /192\.168\.0\.0\/16/],
  ["https://3232235777/r", /192\.168\.1\.1/],
  ["https://[fc00::1]/r", /unique local/],
  ["https://[fd12:3456::1]/r", /unique local/],
  ["https://[::ffff:10.0.0.1]/r", /IPv4-mapped address of 10\.0\.0\.1/],
  ["https://100.64.0.1/r", /CGNAT/],
  ["https://100.127.255.255/r", /CGNAT/],
  ["https://224.0.0.1/r", /multicast/],
  ["https://[ff02::1]/r", /multicast/],
  ["https://255.255.255.255/r", /broadcast/],
  ["ssh://git@10.0.0.5/r", /private/],
  ["git@192.168.0.2:r", /private/],
  // ambiguous or malformed hosts: refused rather than guessed
  ["https://evil.example\\@127.0.0.1/r", /backslash/],
  ["https://127.0.0.1\\@evil.example/r", /backslash/],
  ["https://%31%32%37.0.0.1/r", /characters other than/],
  ["https://１２７.0.0.1/r", /characters other than/],
  ["https://bücher.example/r", /xn-- form/],
  ["https://256.0.0.1/r", /looks like a number/],
  ["https://1.2.3.4.5/r", /looks like a number/],
  ["https://08.0.0.1/r", /looks like a number/],
  ["https://0x100000000/r", /looks like a number/],
  ["https://a..b/r", /empty label/],
  ["https:///r", /no host/],
  ["https://host:abc/r", /port 'abc'/],
  ["https://[not-v6]/r", /not an IPv6 address/],
  ["ssh://-oProxyCommand=touch%20x/r", /starts with '-'/],
  ["-oProxyCommand=x:r", /starts with '-'/],
  ["ssh://a@b@github.com/r", /ssh user name/],
  ["a@b@127.0.0.1:r", /neither a URL nor user@host:path/],
  ["https://github.com/a b", /whitespace/],
  ["https://github.com/a\nb", /control character/],
];

void describe("clone policy: the default (a server)", () => {
  for (const url of allowed)
    void it(`allows ${url}`, () => {
      assert.equal(cloneUrlRefusal(url), undefined);
      checkCloneUrl(url, { allowLocal: false });
    });

  for (const [url, reason] of refused)
    void it(`refuses ${JSON.stringify(url)}`, () => {
      assert.match(cloneUrlRefusal(url) ?? "(allowed)", reason);
      assert.throws(
        () => checkCloneUrl(url, { allowLocal: false }),
        (e: unknown) =>
          isC8sError(e) &&
          e.code === "REPO_URL_FORBIDDEN" &&
          e.httpStatus === 422 &&
          e.details["field"] === "repoUrl" &&
          /--allow-local-repos/.test(e.hint ?? "") &&
          /C8S_ALLOW_LOCAL_REPOS=1/.test(e.hint ?? ""),
      );
    });
});

void describe("clone policy: allowLocal (c8s run, --allow-local-repos)", () => {
  for (const [url] of refused) void it(`allows ${JSON.stringify(url)}`, () => checkCloneUrl(url, { allowLocal: true }));

  void it("clones with git's defaults; the default policy narrows git to https and ssh without redirects", () => {
    assert.deepEqual(cloneGitOptions({ allowLocal: true }), {});
    assert.deepEqual(cloneGitOptions({ allowLocal: false }), { allowProtocols: "https:ssh", followRedirects: false });
  });
});

void describe("clone policy: the error shows no credential", () => {
  const cases: Array<[string, string]> = [
    ["http://user:s3cret@127.0.0.1:9/r.git", "http://***@127.0.0.1:9/r.git"],
    ["https://t0ken@10.0.0.1/r", "https://***@10.0.0.1/r"],
    ["ssh://git:pw@localhost/r", "ssh://***@localhost/r"],
    ["ssh://tok:s3cret@10.0.0.1/r", "ssh://***@10.0.0.1/r"],
    ["file:///srv/r\u0007", "file:///srv/r?"],
  ];
  for (const [url, shown] of cases)
    void it(`${shown}`, () => {
      assert.equal(shownCloneUrl(url), shown);
      try {
        checkCloneUrl(url, { allowLocal: false });
        assert.fail("allowed");
      } catch (e) {
        assert.ok(isC8sError(e), String(e));
        assert.ok(!/s3cret|t0ken|:pw@/.test(e.message), e.message);
        assert.ok(e.message.includes(shown), e.message);
        assert.equal(e.details["url"], shown);
      }
    });

  void it("scheme-less text with user:password@ is shown redacted too", () => {
    assert.equal(shownCloneUrl("tok:s3cret@localhost:r"), "***@localhost:r");
  });

  void it("bounds a long URL", () => {
    assert.ok(shownCloneUrl(`file:///${"a".repeat(5000)}`).length <= 301, "bounded");
  });
});

void describe("parseIPv4: inet_aton's spellings", () => {
  const table: Array<[string, number | undefined]> = [
    ["127.0.0.1", 0x7f000001],
    ["127.1", 0x7f000001],
    ["127.0.1", 0x7f000001],
    ["2130706433", 0x7f000001],
    ["0x7f.0x0.0x0.0x1", 0x7f000001],
    ["0177.0.0.01", 0x7f000001],
    ["0xffffffff", 0xffffffff],
    ["0x100000000", undefined],
    ["1.16777216", undefined],
    ["256.1.1.1", undefined],
    ["09.1.1.1", undefined],
    ["1.2.3.4.5", undefined],
    ["example.com", undefined],
  ];
  for (const [text, value] of table) void it(text, () => assert.equal(parseIPv4(text), value));
});

void describe("the setting: C8S_ALLOW_LOCAL_REPOS, allowLocalRepos", () => {
  void it("is off by default", () => {
    assert.equal(parseConfig({ home: "/tmp/x" }).allowLocalRepos, false);
    assert.equal(configFromEnv({ C8S_HOME: "/tmp/x" }).allowLocalRepos, false);
  });
  for (const [value, on] of [
    ["1", true],
    ["true", true],
    ["0", false],
    ["false", false],
    ["", false],
  ] as const)
    void it(`C8S_ALLOW_LOCAL_REPOS=${JSON.stringify(value)} → ${on}`, () => {
      assert.equal(configFromEnv({ C8S_HOME: "/tmp/x", C8S_ALLOW_LOCAL_REPOS: value }).allowLocalRepos, on);
    });
  void it("refuses another value, naming the variable", () => {
    assert.throws(
      () => configFromEnv({ C8S_HOME: "/tmp/x", C8S_ALLOW_LOCAL_REPOS: "yes" }),
      (e: unknown) => isC8sError(e) && e.code === "CONFIG_INVALID" && /C8S_ALLOW_LOCAL_REPOS/.test(e.hint ?? ""),
    );
  });
});
