export {
  createKubernetesRuntime,
  loadKubeConfig,
  type KubernetesRuntimeOptions,
  type KubernetesLogger,
} from "./runtime.ts";
export { DEFAULT_SANDBOX_DEFAULTS, type KubernetesSandboxDefaults } from "./manifests.ts";
export { kubernetesOptionsFromEnv } from "./options.ts";
