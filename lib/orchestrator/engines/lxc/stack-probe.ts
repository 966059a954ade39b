import { connect } from "node:net";
import { getRecipe } from "../../../stacks/recipes";

/** One TCP connection attempt from this process: true when the port accepted it in time. */
export function probeTcp(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** A protocol-3.0 StartupMessage for a user that needs no credentials to be told "no". */
function postgresStartupMessage(): Buffer {
  const params = Buffer.from("user\0hostplane_probe\0database\0postgres\0\0", "utf8");
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + params.length, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, params]);
}

/**
 * PostgreSQL opens its port before it accepts sessions ("the database system is starting
 * up", SQLSTATE 57P03). Ready means: the server answers a startup message with anything
 * but that error (an authentication request or an auth failure both prove it serves).
 */
export function probePostgres(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    let data = Buffer.alloc(0);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write(postgresStartupMessage()));
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 5) return;
      if (data[0] !== 0x45 /* 'E' */) return done(true);
      const length = data.readInt32BE(1);
      if (data.length < 1 + length) return;
      done(
        !data
          .subarray(5, 1 + length)
          .toString("utf8")
          .includes("\0C57P03\0"),
      );
    });
  });
}

/** Whether a stack container's service is ready: its recipe's health port, checked per protocol. */
export function probeStackService(options: { stackId: string; ip: string; timeoutMs: number }): Promise<boolean> {
  const recipe = getRecipe(options.stackId);
  if (!recipe) return Promise.resolve(true);
  if (options.stackId === "postgresql") return probePostgres(options.ip, recipe.healthPort, options.timeoutMs);
  return probeTcp(options.ip, recipe.healthPort, options.timeoutMs);
}

/**
 * Polls until the check passes or the deadline passes; resolves to whether it passed. Checks
 * the recipe's health port of stackId, or a plain TCP port.
 */
export async function waitForService(options: {
  ip: string;
  timeoutMs: number;
  stackId?: string;
  port?: number;
  intervalMs?: number;
}): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const attemptMs = Math.min(1000, left);
    const ok = options.stackId
      ? await probeStackService({ stackId: options.stackId, ip: options.ip, timeoutMs: attemptMs })
      : await probeTcp(options.ip, options.port ?? 0, attemptMs);
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** Polls probeTcp until the port answers or the deadline passes. */
export function waitForTcp(options: {
  ip: string;
  port: number;
  timeoutMs: number;
  intervalMs?: number;
}): Promise<boolean> {
  return waitForService(options);
}
