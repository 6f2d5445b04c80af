export { createDockerRuntime, DEFAULT_DOCKER_IMAGE, type DockerLogger, type DockerRuntimeOptions } from "./runtime.ts";
export { buildCreateBody, labelKeys, parseDockerUlimits, type DockerUlimit } from "./spec.ts";
export { DEFAULT_DOCKER_HOST } from "./connection.ts";
