// The panel's HTTP server: Next.js (production build, or dev with --dev) behind a plain Node server
// that stamps the TCP peer's address on every request (x-hostplane-peer), replacing any copy the client
// sent. lib/auth/client-ip reads it; X-Forwarded-For counts only when that peer is a trusted proxy.
// Started by scripts/serve.ts in place of `next start`.
import { createServer } from "node:http";

const PEER_HEADER = "x-hostplane-peer";
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
if (!dev) process.env.NODE_ENV = "production";

const { default: next } = await import("next");
const app = next({ dev, port, hostname: "localhost", dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const raw = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== PEER_HEADER) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  const peer = req.socket.remoteAddress ?? "";
  req.headers[PEER_HEADER] = peer;
  req.rawHeaders.push(PEER_HEADER, peer);
  handle(req, res).catch((error) => {
    console.error("[hostplane] request failed", error);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end("Internal error");
  });
});
// Idle keep-alive connections stay open for 65 s instead of Node's 5 s. A client that reuses an idle
// connection just as the server closes it gets ECONNRESET (the e2e's request context did, replaying a
// request about 5 s after its previous one); clients and proxies keep theirs for tens of seconds.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
const upgrade = app.getUpgradeHandler?.();
if (upgrade) server.on("upgrade", (req, socket, head) => void upgrade(req, socket, head));
server.listen(port, () => {
  console.log(`[hostplane] Next.js ${dev ? "dev" : "production"} server on port ${port}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 4000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
