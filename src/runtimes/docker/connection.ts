/** Where the Docker Engine is: DOCKER_HOST forms → dockerode options. Pure. */
import type { DockerOptions } from "dockerode";
import { C8sError } from "../../errors/index.ts";

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

export function dockerOptionsFor(dockerHost: string | undefined): DockerOptions {
  const host = dockerHost === undefined || dockerHost.trim() === "" ? DEFAULT_DOCKER_HOST : dockerHost.trim();
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  if (host.startsWith("/")) return { socketPath: host };
  const match = /^(tcp|http|https):\/\/([^:/]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(host);
  if (match) {
    const [, scheme, hostname, port] = match;
    return {
      protocol: scheme === "https" ? "https" : "http",
      host: hostname,
      port: port === undefined ? (scheme === "https" ? 2376 : 2375) : Number(port),
    };
  }
  throw new C8sError("CONFIG_INVALID", `Unsupported Docker host '${host}'.`, {
    details: { dockerHost: host },
    hint: "Set DOCKER_HOST to unix:///path/to/docker.sock or tcp://host:port (TLS client certificates are not supported yet).",
  });
}

export function describeDockerHost(dockerHost: string | undefined): string {
  return dockerHost === undefined || dockerHost.trim() === "" ? DEFAULT_DOCKER_HOST : dockerHost.trim();
}
