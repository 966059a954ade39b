/** Container names the engines accept: also safe as file names, cgroup names and argv operands. */
export const CONTAINER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Only containers with this prefix belong to Hostplane; everything else on a node is left alone. */
export const CONTAINER_PREFIX = "hp-";

export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidInputError";
  }
}

/** Checks a name before any command runs; returns it for chaining. */
export function assertContainerName(name: string): string {
  if (typeof name !== "string" || !CONTAINER_NAME_PATTERN.test(name)) {
    throw new InvalidInputError(`invalid container name ${JSON.stringify(name)}: must match ${CONTAINER_NAME_PATTERN}`);
  }
  if (!name.startsWith(CONTAINER_PREFIX)) {
    throw new InvalidInputError(`container name ${JSON.stringify(name)} must start with "${CONTAINER_PREFIX}"`);
  }
  return name;
}

export function isManagedName(name: string): boolean {
  return CONTAINER_NAME_PATTERN.test(name) && name.startsWith(CONTAINER_PREFIX);
}

export function containerNameFor(containerId: string): string {
  return assertContainerName(`${CONTAINER_PREFIX}${containerId.toLowerCase()}`);
}

export function parseIpv4(ip: string): number {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!match) throw new InvalidInputError(`invalid IPv4 address ${JSON.stringify(ip)}`);
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) throw new InvalidInputError(`invalid IPv4 address ${JSON.stringify(ip)}`);
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

export interface Subnet {
  network: number;
  prefix: number;
}

export function parseCidr(cidr: string): Subnet {
  const [ip, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (!ip || !Number.isInteger(prefix) || prefix < 8 || prefix > 30)
    throw new InvalidInputError(`invalid CIDR ${JSON.stringify(cidr)}`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { network: (parseIpv4(ip) & mask) >>> 0, prefix };
}

export function isInSubnet(ip: string, subnet: Subnet): boolean {
  const mask = (~0 << (32 - subnet.prefix)) >>> 0;
  return (parseIpv4(ip) & mask) >>> 0 === subnet.network;
}

/** Hostplane's whole address space; nodes get /24s out of it. */
export const HOSTPLANE_RANGE = "10.213.0.0/16";

/** A usable container address inside 10.213.0.0/16 that is neither network, gateway (.1) nor broadcast. */
export function assertContainerIp(ip: string): string {
  parseIpv4(ip);
  if (!isInSubnet(ip, parseCidr(HOSTPLANE_RANGE)))
    throw new InvalidInputError(`container IP ${ip} is outside ${HOSTPLANE_RANGE}`);
  const last = Number(ip.split(".")[3]);
  if (last === 0 || last === 1 || last === 255)
    throw new InvalidInputError(`container IP ${ip} is a network, gateway or broadcast address`);
  return ip;
}

export function assertHostname(hostname: string): string {
  if (
    !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(hostname) ||
    hostname.length > 253
  ) {
    throw new InvalidInputError(`invalid hostname ${JSON.stringify(hostname)}`);
  }
  return hostname;
}

/** Environment keys are shell identifiers; values are single-line (they go into config files). */
export function assertEnv(env: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new InvalidInputError(`invalid environment variable name ${JSON.stringify(key)}`);
    if (typeof value !== "string" || /[\0\n\r]/.test(value))
      throw new InvalidInputError(`environment variable ${key} must be a single line`);
    result[key] = value;
  }
  return result;
}
