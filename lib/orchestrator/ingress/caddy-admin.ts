// Caddy's admin API over its unix socket (the only place it listens). Caddy accepts a request on a
// unix socket only with an empty Host header (a missing one is a 400, any name a 403).
import http from "node:http";
import { existsSync } from "node:fs";
import type { CaddyConfig } from "./caddy-config";

export class IngressUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IngressUnavailableError";
  }
}

export type AdminResponse = { status: number; body: string };

export function caddyAdminRequest(options: {
  socket: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  timeoutMs?: number;
}): Promise<AdminResponse> {
  if (!existsSync(/*turbopackIgnore: true*/ options.socket))
    return Promise.reject(new IngressUnavailableError(`the ingress admin socket ${options.socket} does not exist`));
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath: options.socket,
        method: options.method,
        path: options.path,
        setHost: false,
        headers: {
          Host: "",
          ...(options.body
            ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(options.body) }
            : {}),
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new IngressUnavailableError("the ingress admin API did not answer")));
    request.on("error", (error) =>
      reject(error instanceof IngressUnavailableError ? error : new IngressUnavailableError(error.message)),
    );
    request.end(options.body);
  });
}

/** Replaces Caddy's whole configuration atomically (Caddy keeps the old one if the new one fails). */
export async function loadCaddyConfig(socket: string, config: CaddyConfig): Promise<void> {
  const response = await caddyAdminRequest({ socket, method: "POST", path: "/load", body: JSON.stringify(config) });
  if (response.status !== 200) throw new Error(`caddy refused the configuration: ${response.body.slice(0, 500)}`);
}

/** The configuration Caddy runs now (null when it runs none). */
export async function readCaddyConfig(socket: string): Promise<CaddyConfig | null> {
  const response = await caddyAdminRequest({ socket, method: "GET", path: "/config/" });
  if (response.status !== 200) throw new Error(`caddy config read failed: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as CaddyConfig | null;
}

/** The internal CA's root certificate (PEM): what browsers must trust for internally issued names. */
export async function readCaddyCaRoot(socket: string): Promise<string> {
  const response = await caddyAdminRequest({ socket, method: "GET", path: "/pki/ca/local" });
  if (response.status !== 200) throw new Error(`caddy CA read failed: ${response.body.slice(0, 300)}`);
  const parsed = JSON.parse(response.body) as { root_certificate?: string };
  if (!parsed.root_certificate) throw new Error("caddy answered no root certificate");
  return parsed.root_certificate;
}
