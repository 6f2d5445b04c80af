/** Blob store settings: fs by default, S3 from C8S_S3_*, refusals that name the setting and never echo a secret. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configFromEnv } from "../../../src/config/config.ts";
import { isC8sError } from "../../../src/errors/index.ts";

const home = { C8S_HOME: "/tmp/c8s-config-test" };

void test("the filesystem store by default", () => {
  assert.equal(configFromEnv(home).blobs.backend, "fs");
});

void test("S3 from C8S_S3_*: the bucket alone implies it; path-style by flag", () => {
  const config = configFromEnv({
    ...home,
    C8S_S3_BUCKET: "artifacts",
    C8S_S3_PREFIX: "c8s/prod/",
    C8S_S3_ENDPOINT: "http://127.0.0.1:9000",
    C8S_S3_ACCESS_KEY_ID: "AKIA1",
    C8S_S3_SECRET_ACCESS_KEY: "s3cr3t-value",
    C8S_S3_FORCE_PATH_STYLE: "0",
  });
  assert.equal(config.blobs.backend, "s3");
  assert.deepEqual(config.blobs.s3, {
    bucket: "artifacts",
    prefix: "c8s/prod/",
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    accessKeyId: "AKIA1",
    secretAccessKey: "s3cr3t-value",
    forcePathStyle: false,
  });
});

for (const [name, env] of [
  ["s3 without a bucket", { C8S_BLOB_STORE: "s3" }],
  ["a key id without its secret", { C8S_S3_BUCKET: "b-1", C8S_S3_ACCESS_KEY_ID: "AKIA1" }],
  ["a secret without its key id", { C8S_S3_BUCKET: "b-1", C8S_S3_SECRET_ACCESS_KEY: "s3cr3t-value" }],
  ["a prefix that is not segments ending in /", { C8S_S3_BUCKET: "b-1", C8S_S3_PREFIX: "../x" }],
  ["an unknown backend", { C8S_BLOB_STORE: "gcs" }],
] as const)
  void test(`refuses ${name} with CONFIG_INVALID naming the setting`, () => {
    assert.throws(
      () => configFromEnv({ ...home, ...env }),
      (error: unknown) => {
        assert.ok(isC8sError(error) && error.code === "CONFIG_INVALID", String(error));
        const text = `${error.message} ${error.hint ?? ""} ${JSON.stringify(error.details)}`;
        assert.match(text, /C8S_BLOB_STORE|C8S_S3_/);
        assert.doesNotMatch(text, /s3cr3t-value/);
        return true;
      },
    );
  });
