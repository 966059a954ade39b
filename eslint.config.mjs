import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/generated/**",
      ".data/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The orchestrator is a framework-free library: it must run in the worker, benchmarks and tests
    // without Next.js, React or the database layer. Violations fail `npm run lint` and so `npm test`.
    files: ["lib/orchestrator/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["next", "next/*"], message: "lib/orchestrator must not import Next.js." },
            { group: ["react", "react-dom", "react/*"], message: "lib/orchestrator must not import React." },
            { group: ["@prisma/*"], message: "lib/orchestrator must not import Prisma." },
            {
              group: [
                "@/lib/db",
                "@/lib/db/*",
                "**/lib/db",
                "**/lib/db/*",
                "../db",
                "../db/*",
                "../../db",
                "../../db/*",
              ],
              message: "lib/orchestrator must not import lib/db.",
            },
            {
              group: ["@/lib/generated/*", "**/generated/prisma*"],
              message: "lib/orchestrator must not import the Prisma client.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
