// Types of eslint.layers.js for the architecture test that imports it.
import type { Linter } from "eslint";

export const LAYERS: Record<string, string[]>;
export function layerConfig(basePath: string): Linter.Config;
