import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import boundaries from "eslint-plugin-boundaries";

// Layer boundaries (docs/architecture.md explains each layer). Every file of ours belongs to one element type;
// an import is allowed only along the edges below, so a wrong-way import fails `npm run lint` and so `npm test`.
const ELEMENTS = [
  { type: "actions", pattern: "app/**/actions.ts", mode: "full" }, // server actions: called from components
  // Action definitions (session, validation, error mapping once): bound by app/**/actions.ts, callable by a REST API.
  { type: "action-defs", pattern: "lib/actions", partialMatch: false },
  // HTTP helpers for proxy.ts and route handlers (body limits, security headers): pure.
  { type: "http", pattern: "lib/http", partialMatch: false },
  { type: "app", pattern: "app", partialMatch: false },
  { type: "components", pattern: "components", partialMatch: false },
  // lib/auth is two layers: the session (NextAuth, next/headers) sits above the services it calls;
  // the rules (who acts, password hashing/policy, throttling) are framework-free and sit below them.
  { type: "session", pattern: "lib/auth/{session,options,resolve-session}.ts", mode: "full" },
  { type: "auth-rules", pattern: "lib/auth", partialMatch: false },
  { type: "services", pattern: "lib/services", partialMatch: false },
  { type: "worker", pattern: "lib/worker", partialMatch: false },
  { type: "queue", pattern: "lib/queue", partialMatch: false },
  { type: "db", pattern: "lib/db", partialMatch: false },
  // The events feed: one LISTEN connection per process fanned out to Server-Sent Events streams.
  { type: "events", pattern: "lib/events", partialMatch: false },
  { type: "orchestrator", pattern: "lib/orchestrator", partialMatch: false },
  { type: "stacks", pattern: "lib/stacks", partialMatch: false },
  { type: "validation", pattern: "lib/validation", partialMatch: false },
  { type: "crypto", pattern: "lib/crypto", partialMatch: false },
  // Deploy sources: receiving and checking uploaded archives (framework-free, no database).
  { type: "deploy", pattern: "lib/deploy", partialMatch: false },
  { type: "generated", pattern: "lib/generated", partialMatch: false },
  { type: "config", pattern: "lib/config.ts", mode: "full" },
  { type: "format", pattern: "lib/format.ts", mode: "full" },
  { type: "errors", pattern: "lib/errors.ts", mode: "full" },
  { type: "log", pattern: "lib/log.ts", mode: "full" },
  { type: "tone", pattern: "lib/tone.ts", mode: "full" },
  { type: "words", pattern: "lib/words.ts", mode: "full" },
  { type: "scripts", pattern: "scripts", partialMatch: false },
  { type: "e2e", pattern: "e2e", partialMatch: false },
  { type: "root", pattern: "*.ts", mode: "full" }, // instrumentation.ts, proxy.ts, *.config.ts
];

// Leaf modules every layer may use (lib/format reads the scheduler's load mark, nothing else).
const LEAVES = ["errors", "config", "format", "log", "tone", "words"];
const allow = (from, to, extra = {}) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: to } } }, ...extra },
});
const LAYER_POLICIES = [
  allow("app", [
    "app",
    "actions",
    "action-defs",
    "http",
    "components",
    "services",
    "db",
    "events",
    "session",
    "auth-rules",
    "validation",
    "stacks",
    "deploy",
    ...LEAVES,
  ]),
  allow("actions", ["action-defs", ...LEAVES]),
  allow("action-defs", ["action-defs", "services", "db", "session", "auth-rules", "validation", "stacks", ...LEAVES]),
  allow("http", ["http", ...LEAVES]),
  // The orchestrator is framework-free and pure: components may use its constants (cloudlet unit).
  allow("components", ["components", "actions", "validation", "stacks", "auth-rules", "orchestrator", ...LEAVES]),
  // Components may name the DTO shapes that lib/db returns (types only, erased at build).
  allow("components", ["db"], { dependency: { kind: "type" } }),
  allow("session", ["session", "auth-rules", "services", "db", "validation", ...LEAVES]),
  allow("auth-rules", ["auth-rules", ...LEAVES]),
  allow("services", [
    "services",
    "db",
    "queue",
    "orchestrator",
    "auth-rules",
    "validation",
    "stacks",
    "crypto",
    "generated",
    "deploy",
    ...LEAVES,
  ]),
  allow("worker", [
    "worker",
    "services",
    "db",
    "queue",
    "orchestrator",
    "stacks",
    "crypto",
    "generated",
    "validation",
    "deploy",
    ...LEAVES,
  ]),
  allow("queue", ["queue", ...LEAVES]),
  allow("events", ["events", "db", "validation", ...LEAVES]),
  // db may use the pure layers below it: validation (schemas, typed operation inputs) and the orchestrator's naming.
  allow("db", ["db", "auth-rules", "stacks", "generated", "validation", "orchestrator", ...LEAVES]),
  // The orchestrator is a framework-free library (see also the no-restricted-imports rule below); it reads the
  // stack recipes, plain data, and nothing else of ours.
  allow("orchestrator", ["orchestrator", "stacks"]),
  allow("stacks", ["stacks", "crypto", ...LEAVES]),
  allow("validation", ["validation", "auth-rules", "stacks", "orchestrator", ...LEAVES]),
  allow("crypto", ["crypto", ...LEAVES]),
  allow("deploy", ["deploy", ...LEAVES]),
  allow("config", ["config"]),
  allow("format", ["format", "orchestrator"]),
  allow("errors", ["errors"]),
  allow("log", ["log"]),
  allow("tone", ["tone"]),
  allow("words", ["words"]),
  allow("generated", ["generated"]),
  // Scripts, end-to-end specs and root files wire everything together; they may use any layer.
  allow("scripts", ["*"]),
  allow("e2e", ["*"]),
  allow("root", ["*"]),
  // Tests drive real layers end to end (a service test runs the worker, harnesses live in scripts/test).
  { from: { file: { categories: "test" } }, allow: { to: { element: { types: "*" } } } },
];

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
    files: ["**/*.{ts,tsx,mjs}"],
    plugins: { boundaries },
    settings: {
      "boundaries/elements": ELEMENTS,
      // `mode: "full"` (a single file as an element: lib/errors.ts, the session files of lib/auth, actions.ts) is
      // deprecated in v7 in favour of file categories, but still the precise way to say it; the version is pinned.
      "boundaries/legacy-warnings": false,
      "boundaries/files": [{ category: "test", pattern: "**/*.test.ts" }],
      "boundaries/include": ["app/**", "components/**", "lib/**", "scripts/**", "e2e/**", "*.ts"],
      "import/resolver": { typescript: { alwaysTryTypes: true }, node: true },
    },
    rules: {
      "boundaries/dependencies": ["error", { default: "disallow", policies: LAYER_POLICIES }],
      "boundaries/no-unknown-files": "error",
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
