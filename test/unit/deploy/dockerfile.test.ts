/**
 * The Dockerfile's structure, checked without building it: no container registry is
 * reachable on c8s's machines, so `FROM node:…` cannot be pulled and `docker build` is not
 * run here. What can be checked is: multi-stage, `npm ci` in the build stage, a non-root
 * numeric USER matching the Deployment, a HEALTHCHECK on /healthz, `node bin/c8s.js serve`
 * on 0.0.0.0, and that every COPY source exists and is not ignored by .dockerignore.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import {
  contextSources,
  dockerignorePatterns,
  execForm,
  ignoredByDockerignore,
  parseDockerfile,
  type Stage,
} from "../../fixtures/dockerfile.ts";

const root = join(import.meta.dirname, "../../..");
const dockerfile = parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
const final = dockerfile.stages.at(-1) as Stage;
const only = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

void test("multi-stage: a named build stage, and a final stage that copies from it", () => {
  assert.ok(dockerfile.stages.length >= 2, "at least two stages");
  const build = dockerfile.stages.find((s) => s.name === "build");
  assert.ok(build, "a stage named build");
  assert.notEqual(final, build);
  assert.ok(only(final, "COPY").some((c) => c.args.includes("--from=build")));
  assert.ok(
    only(final, "COPY").every((c) => c.args.includes("--from=")),
    "the final stage takes nothing from the context",
  );
});

void test("the build stage installs with npm ci from the lock file, without dev dependencies", () => {
  const build = dockerfile.stages.find((s) => s.name === "build") as Stage;
  const runs = only(build, "RUN").map((r) => r.args);
  assert.ok(
    runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
    runs.join("\n"),
  );
  const copies = only(build, "COPY").flatMap(contextSources);
  assert.ok(copies.includes("package-lock.json"));
  // The manifests come before npm ci so the dependency layer is cached across source edits.
  const firstRun = build.instructions.findIndex((i) => i.keyword === "RUN" && i.args.includes("npm ci"));
  const srcCopy = build.instructions.findIndex((i) => i.keyword === "COPY" && i.args.startsWith("src/"));
  assert.ok(firstRun >= 0 && srcCopy > firstRun);
});

void test("the final stage runs as a numeric non-root user, the same uid the Deployment sets", () => {
  const users = only(final, "USER");
  assert.equal(users.length, 1);
  const [uid, gid] = (users[0]?.args ?? "").split(":");
  assert.match(uid ?? "", /^\d+$/, "numeric, so runAsNonRoot can be verified");
  assert.notEqual(Number(uid), 0);
  assert.notEqual(Number(gid ?? "1"), 0);
  const deployment = parse(readFileSync(join(root, "deploy/kubernetes/deployment.yaml"), "utf8")) as {
    spec: { template: { spec: { securityContext: { runAsUser: number; runAsGroup: number } } } };
  };
  assert.equal(deployment.spec.template.spec.securityContext.runAsUser, Number(uid));
  assert.equal(deployment.spec.template.spec.securityContext.runAsGroup, Number(gid));
  // USER comes after every RUN, so nothing after it runs as root by accident.
  const userIndex = final.instructions.findIndex((i) => i.keyword === "USER");
  assert.ok(final.instructions.slice(userIndex).every((i) => i.keyword !== "RUN"));
});

void test("HEALTHCHECK probes /healthz on the configured port", () => {
  const checks = only(final, "HEALTHCHECK");
  assert.equal(checks.length, 1);
  const args = checks[0]?.args ?? "";
  assert.match(args, /--interval=\d+s/);
  const command = execForm(args.slice(args.indexOf("CMD") + 3).trim());
  assert.ok(command, "exec form");
  assert.equal(command[0], "node");
  assert.match(command.join(" "), /127\.0\.0\.1:.*\/healthz/);
});

void test("it runs `node bin/c8s.js serve` listening on 0.0.0.0:7878", () => {
  const entrypoint = execForm(only(final, "ENTRYPOINT")[0]?.args ?? "");
  const cmd = execForm(only(final, "CMD")[0]?.args ?? "");
  assert.deepEqual([...(entrypoint ?? []), ...(cmd ?? [])], ["node", "bin/c8s.js", "serve"]);
  const env = only(final, "ENV")
    .map((e) => e.args)
    .join(" ");
  assert.match(env, /\bC8S_HOST=0\.0\.0\.0\b/);
  assert.match(env, /\bC8S_PORT=7878\b/);
  assert.deepEqual(
    only(final, "EXPOSE").map((e) => e.args),
    ["7878"],
  );
  assert.ok(existsSync(join(root, "bin/c8s.js")));
});

void test("every COPY source exists and .dockerignore keeps it in the context", () => {
  const patterns = dockerignorePatterns(readFileSync(join(root, ".dockerignore"), "utf8"));
  assert.ok(patterns.includes("node_modules"), "the host's node_modules never enter the image");
  assert.ok(patterns.includes(".git"));
  const sources = dockerfile.stages.flatMap((s) => only(s, "COPY").flatMap(contextSources));
  assert.ok(sources.length > 0);
  for (const source of sources) {
    assert.ok(existsSync(join(root, source)), `${source} exists`);
    assert.equal(ignoredByDockerignore(patterns, source), false, `${source} is not excluded by .dockerignore`);
  }
});

void test("the .dockerignore matcher (prefix rules) itself", () => {
  assert.equal(ignoredByDockerignore(["test"], "test/unit/x.ts"), true);
  assert.equal(ignoredByDockerignore(["test"], "testing/x"), false);
  assert.equal(ignoredByDockerignore(["**/node_modules"], "packages/sdk/node_modules/ws"), true);
  assert.equal(ignoredByDockerignore(["deploy"], "src/deploy.ts"), false);
  assert.equal(ignoredByDockerignore(["scripts", "!scripts/build.mjs"], "scripts/build.mjs"), false);
  assert.equal(ignoredByDockerignore(["scripts", "!scripts/build.mjs"], "scripts/test.sh"), true);
});

void test("the build stage compiles the CLI into dist/ (bin/c8s.js then starts from it)", () => {
  assert.match(readFileSync(join(root, "Dockerfile"), "utf8"), /^RUN node scripts\/build\.mjs$/m);
});
