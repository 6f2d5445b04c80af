export { createLocalRuntime, type LocalRuntimeOptions } from "./local-runtime.ts";
export { buildBwrapArgs, buildLaunchArgv, buildExecEnv, type HostFacts, type LaunchLayout } from "./bwrap-args.ts";
export { formatDoctorReport, runDoctor, type DoctorCheck, type DoctorReport } from "./doctor.ts";
