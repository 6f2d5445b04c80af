/**
 * docker-compose.yml's structure (it is not started here: no registry is reachable to pull
 * postgres or node images). c8s waits for a healthy PostgreSQL, both have health checks,
 * c8s's database URL points at the postgres service with its credentials, data is on volumes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { configFromEnv } from "../../../src/config/config.ts";

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; retries: number };
  volumes?: string[];
  ports?: string[];
  read_only?: boolean;
  cap_drop?: string[];
}

const root = join(import.meta.dirname, "../../..");
const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { c8s, postgres } = compose.services;

/** Compose's `${VAR:-default}` with nothing set: the default. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, "$1");

void test("two services: c8s built from the Dockerfile, and PostgreSQL", () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ["c8s", "postgres"]);
  assert.deepEqual(c8s?.build, { context: ".", dockerfile: "Dockerfile" });
  assert.match(postgres?.image ?? "", /^postgres:\d+/);
});

void test("both have health checks; c8s's probes /healthz, postgres's runs pg_isready", () => {
  assert.equal(c8s?.healthcheck?.test[0], "CMD");
  assert.match(c8s?.healthcheck?.test.join(" ") ?? "", /\/healthz/);
  assert.equal(postgres?.healthcheck?.test[0], "CMD-SHELL");
  assert.match(postgres?.healthcheck?.test[1] ?? "", /^pg_isready\b/);
  for (const service of [c8s, postgres]) {
    assert.match(service?.healthcheck?.interval ?? "", /^\d+s$/);
    assert.ok((service?.healthcheck?.retries ?? 0) > 0);
  }
});

void test("c8s starts only once PostgreSQL is healthy", () => {
  assert.deepEqual(c8s?.depends_on, { postgres: { condition: "service_healthy" } });
});

void test("C8S_DATABASE_URL points at the postgres service with its database and credentials", () => {
  const env = c8s?.environment ?? {};
  const url = new URL(interpolate(env["C8S_DATABASE_URL"] ?? ""));
  const pg = postgres?.environment ?? {};
  assert.equal(url.protocol, "postgres:");
  assert.equal(url.hostname, "postgres");
  assert.equal(url.port, "5432");
  assert.equal(url.pathname, `/${pg["POSTGRES_DB"]}`);
  assert.equal(url.username, pg["POSTGRES_USER"]);
  assert.equal(url.password, interpolate(pg["POSTGRES_PASSWORD"] ?? ""));
  // And c8s's own config parser accepts the whole environment as compose passes it.
  const config = configFromEnv(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v)])));
  assert.equal(config.databaseUrl, url.toString().replace(/\/$/, ""));
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.runtime, "docker");
});

void test("data lives on named volumes: PostgreSQL's data directory and C8S_HOME", () => {
  assert.ok(postgres?.volumes?.includes("postgres-data:/var/lib/postgresql/data"));
  assert.ok(c8s?.volumes?.includes(`c8s-data:${c8s.environment?.["C8S_HOME"]}`));
  assert.deepEqual(Object.keys(compose.volumes).sort(), ["c8s-data", "postgres-data"]);
});

void test("c8s is published on loopback only and runs locked down", () => {
  assert.deepEqual(c8s?.ports, ["127.0.0.1:7878:7878"]);
  assert.equal(c8s?.read_only, true);
  assert.deepEqual(c8s?.cap_drop, ["ALL"]);
});
