/** The lazy command table: it matches the command modules, and the completion scripts it generates. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { commands } from "../../../src/cli/registry.ts";
import { completionScript } from "../../../src/cli/completion.ts";
import { main } from "../../../src/cli/dispatch.ts";
import type { CliIo } from "../../../src/cli/io.ts";

function io(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  return {
    stdin: new PassThrough(),
    stdout,
    stderr,
    cwd: process.cwd(),
    env: {},
    signal: new AbortController().signal,
    onSignal: () => () => undefined,
    out: () => out,
    err: () => err,
  };
}

void test("every table line matches its module: name, summary, and subcommands named in its usage", async () => {
  assert.equal(new Set(commands.map((c) => c.name)).size, commands.length, "command names are unique");
  for (const entry of commands) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `summary of ${entry.name}`);
    const words = new Set(command.usage.split(/[^a-z0-9-]+/));
    for (const sub of entry.subcommands ?? [])
      assert.ok(words.has(sub), `'${entry.name} ${sub}' is not in its usage: ${command.usage}`);
  }
});

void test("the bash script passes `bash -n` and offers every command and subcommand", () => {
  const script = completionScript("bash", commands);
  const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8", timeout: 10_000 });
  assert.equal(check.status, 0, check.stderr);
  for (const entry of commands) {
    assert.match(script, new RegExp(`words='[^']*\\b${entry.name}\\b`), entry.name);
    for (const sub of entry.subcommands ?? [])
      assert.match(script, new RegExp(`${entry.name}\\) words='[^']*\\b${sub}\\b`));
  }
  // Sourced in bash, it completes `c8s sa` to `sandbox` and `c8s sandbox e` to exec/events.
  const probe = spawnSync(
    "bash",
    [
      "-c",
      `${script}\nCOMP_WORDS=(c8s sa); COMP_CWORD=1; _c8s; echo "\${COMPREPLY[*]}"\nCOMP_WORDS=(c8s sandbox e); COMP_CWORD=2; _c8s; echo "\${COMPREPLY[*]}"`,
    ],
    { encoding: "utf8", timeout: 10_000 },
  );
  assert.equal(probe.status, 0, probe.stderr);
  assert.deepEqual(probe.stdout.trim().split("\n"), ["sandbox", "exec events"]);
});

void test("zsh and fish scripts name every command with its summary", () => {
  const zsh = completionScript("zsh", commands);
  const fish = completionScript("fish", commands);
  assert.match(zsh, /^#compdef c8s/);
  for (const entry of commands) {
    assert.ok(zsh.includes(`'${entry.name}:`), entry.name);
    assert.ok(fish.includes(`-a '${entry.name}' -d `), entry.name);
  }
  assert.ok(fish.includes("__fish_seen_subcommand_from sandbox; and not __fish_seen_subcommand_from create ls"));
});

void test("c8s completion: a shell is required and an unknown one is a usage error (exit 2)", async () => {
  const ok = io();
  assert.equal(await main(["completion", "bash"], ok), 0);
  assert.match(ok.out(), /complete -o default -F _c8s c8s/);
  const bad = io();
  assert.equal(await main(["completion", "tcsh"], bad), 2);
  assert.match(bad.err(), /^error\[INVALID_ARGUMENT\]: unknown shell 'tcsh'/);
  const none = io();
  assert.equal(await main(["completion"], none), 2);
});
