import { defineConfig } from 'drizzle-kit'

/** PostgreSQL migrations (drizzle.config.ts is SQLite's). After generating, remove every `"public".` from the SQL. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg.ts',
  out: './drizzle/pg',
})
