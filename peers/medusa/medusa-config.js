// Medusa v2 as a peer store for Dropyard's end-to-end tests (see docs/development.md, "Peer stores").
// Everything that differs per run comes from the environment, which dropyard/core/testing/medusa_peer.py sets;
// the defaults are test-only values, never used for a real shop.
const { loadEnv, defineConfig } = require("@medusajs/framework/utils")

loadEnv(process.env.NODE_ENV || "development", process.cwd())

const localhost = "http://127.0.0.1,http://localhost"

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/medusa_peer",
    // Our PostgreSQL speaks plain TCP on loopback; Medusa would otherwise try TLS outside development.
    databaseDriverOptions: { connection: { ssl: false } },
    http: {
      storeCors: process.env.STORE_CORS || localhost,
      adminCors: process.env.ADMIN_CORS || localhost,
      authCors: process.env.AUTH_CORS || localhost,
      jwtSecret: process.env.JWT_SECRET || "dropyard-peer-test-jwt",
      cookieSecret: process.env.COOKIE_SECRET || "dropyard-peer-test-cookie",
    },
  },
  // The admin dashboard is a Vite build we never use: skipping it saves minutes and memory.
  admin: { disable: true },
})
