// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/**", "dist/**", "node_modules/**", "bundled/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      curly: "error",
      // The logic modules must stay testable under plain Node: only the glue may import 'vscode'.
      "no-restricted-imports": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/extension.ts", "src/pythonApi.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "vscode", message: "Keep 'vscode' out of the logic modules so they run under Node tests." }] },
      ],
    },
  },
);
