// Runs `prisma generate` without the native schema engine, which would be downloaded from the
// internet on first use (impossible on offline / air-gapped hosts). Generation does not need it:
// point Prisma at a placeholder file so it never tries to fetch one.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = path.join(root, "node_modules", ".cache", "hostplane", "schema-engine-placeholder");
if (!existsSync(placeholder)) {
  mkdirSync(path.dirname(placeholder), { recursive: true });
  writeFileSync(
    placeholder,
    "#!/bin/sh\necho 'schema engine placeholder: migrations run through @prisma/schema-engine-wasm' >&2\nexit 1\n",
    { mode: 0o755 },
  );
}
execFileSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
