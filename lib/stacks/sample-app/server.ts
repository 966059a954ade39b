/**
 * The sample Node.js app shipped in the nodejs stack template (/opt/hostplane/app/server.js):
 * answers every request with the container's name (its hostname), so a balancer in front of
 * several app containers shows which one answered. Plain Node, no dependencies.
 */
export const SAMPLE_APP_SERVER_JS = `"use strict";
const http = require("node:http");
const os = require("node:os");

const port = Number(process.env.PORT || 8080);
const server = http.createServer((request, response) => {
  response.writeHead(200, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  response.end("hello from " + os.hostname() + "\\n");
});
server.listen(port, "0.0.0.0", () => console.log("sample app listening on " + port));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
`;
