// The stack catalog: what a layer can run. Versioned data; the lxc template recipes that make
// the Debian-based stacks real live in lib/stacks/recipes (built and cached per hardware node).
export type StackRole = "BALANCER" | "APP" | "SQL" | "NOSQL" | "CACHE" | "STATIC" | "CUSTOM";

export interface StackDefinition {
  id: string;
  role: StackRole;
  displayName: string;
  version: string;
  /** Short glyph for lists and the topology graph. */
  icon: string;
  description: string;
  defaultCloudlets: { reserved: number; dynamic: number };
  minCloudlets: number;
  defaultDiskGib: number;
  /** Service ports inside the container; the first is health-checked. */
  ports: number[];
  /** true: containers are clones of a Debian stack template (built on first use on a node). */
  debianTemplate: boolean;
}

export const STACKS: readonly StackDefinition[] = [
  {
    id: "nginx",
    role: "BALANCER",
    displayName: "NGINX load balancer",
    version: "1.22",
    icon: "⇄",
    description: "Proxies HTTP to the environment's application servers.",
    defaultCloudlets: { reserved: 1, dynamic: 4 },
    minCloudlets: 1,
    defaultDiskGib: 2,
    ports: [80],
    debianTemplate: true,
  },
  {
    id: "nodejs",
    role: "APP",
    displayName: "Node.js application server",
    version: "18",
    icon: "⬢",
    description: "Runs a Node.js app; ships a sample app that answers with its container name.",
    defaultCloudlets: { reserved: 2, dynamic: 8 },
    minCloudlets: 1,
    defaultDiskGib: 4,
    ports: [8080],
    debianTemplate: true,
  },
  {
    id: "postgresql",
    role: "SQL",
    displayName: "PostgreSQL",
    version: "15",
    icon: "🐘",
    description: "SQL database with generated credentials.",
    defaultCloudlets: { reserved: 2, dynamic: 8 },
    minCloudlets: 2,
    defaultDiskGib: 10,
    ports: [5432],
    debianTemplate: true,
  },
  {
    id: "redis",
    role: "CACHE",
    displayName: "Redis",
    version: "7",
    icon: "◆",
    description: "In-memory cache / NoSQL store with a generated password.",
    defaultCloudlets: { reserved: 1, dynamic: 4 },
    minCloudlets: 1,
    defaultDiskGib: 2,
    ports: [6379],
    debianTemplate: true,
  },
  {
    id: "static",
    role: "STATIC",
    displayName: "Static web server",
    version: "1.22",
    icon: "▤",
    description: "Serves static files with NGINX.",
    defaultCloudlets: { reserved: 1, dynamic: 2 },
    minCloudlets: 1,
    defaultDiskGib: 2,
    ports: [80],
    debianTemplate: true,
  },
  {
    id: "busybox",
    role: "CUSTOM",
    displayName: "Custom (busybox)",
    version: "1.35",
    icon: "▢",
    description: "Minimal container from Debian's busybox-static; starts in milliseconds.",
    defaultCloudlets: { reserved: 1, dynamic: 2 },
    minCloudlets: 1,
    defaultDiskGib: 1,
    ports: [],
    debianTemplate: false,
  },
];

const byId = new Map(STACKS.map((s) => [s.id, s]));

export function getStack(id: string): StackDefinition | null {
  return byId.get(id) ?? null;
}

export const STACK_IDS = STACKS.map((s) => s.id) as [string, ...string[]];
