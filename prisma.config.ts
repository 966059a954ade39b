import { defineConfig } from "prisma/config";

// The datasource URL is only needed by Prisma CLI commands that talk to a database; Hostplane
// applies migrations itself (scripts/migrate.ts) through the wasm schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
