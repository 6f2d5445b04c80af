import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { layerConfig } from "./eslint.layers.js";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "packages/*/dist/", "bin/", "scripts/*.mjs", "eslint.config.js", "eslint.layers.js", "eslint.layers.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Parse the environment once in src/config and pass it down." },
      ],
    },
  },
  {
    files: ["src/cli/main.ts", "src/cli/**/entry*.ts", "test/**/*.ts", "bench/**/*.ts", "packages/sdk/test/**/*.ts", "scripts/**/*.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  layerConfig(import.meta.dirname),
);
