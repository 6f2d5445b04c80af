/** C8S_LEASE_MS and the secrets key settings (issue 16) through `configFromEnv`. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configFromEnv } from "../../../src/config/config.ts";
import { C8sError } from "../../../src/errors/index.ts";

void describe("replica and secrets-key configuration", () => {
  void it("defaults: a 15 s lease, the key from the home", () => {
    const config = configFromEnv({ C8S_HOME: "/tmp/c8s-config-test" });
    assert.equal(config.leaseMs, 15_000);
    assert.deepEqual(config.secrets, {});
  });

  void it("reads C8S_LEASE_MS, C8S_SECRETS_KEY, C8S_SECRETS_KEY_FILE and C8S_SECRETS_KEY_PREVIOUS", () => {
    const config = configFromEnv({
      C8S_HOME: "/tmp/c8s-config-test",
      C8S_LEASE_MS: "3000",
      C8S_SECRETS_KEY: "a2V5",
      C8S_SECRETS_KEY_FILE: "/run/secrets/c8s-key",
      C8S_SECRETS_KEY_PREVIOUS: "b2xk",
    });
    assert.equal(config.leaseMs, 3000);
    assert.deepEqual(config.secrets, { key: "a2V5", keyFile: "/run/secrets/c8s-key", previousKey: "b2xk" });
  });

  void it("refuses a lease below 300 ms naming the setting", () => {
    assert.throws(
      () => configFromEnv({ C8S_HOME: "/tmp/c8s-config-test", C8S_LEASE_MS: "10" }),
      (error: unknown) =>
        error instanceof C8sError && error.code === "CONFIG_INVALID" && /C8S_LEASE_MS/.test(error.hint ?? ""),
    );
  });
});
