// Platform names of environments: `<environment>-<owner handle>.<domain>`. Environment names are unique
// per owner and handles are unique platform-wide and contain no hyphen, so the last hyphen of the
// first label separates them and two environments can never share a name.

/** A handle: lower-case letters and digits, starting with a letter (filled by a database trigger). */
export const HANDLE_PATTERN = /^[a-z][a-z0-9]{0,21}$/;

/** `shop` of `alice` on `localhost` → `shop-alice.localhost`. */
export function environmentHost(options: { environment: string; handle: string; domain: string }): string {
  const domain = options.domain.trim().toLowerCase().replace(/\.$/, "");
  return `${options.environment}-${options.handle}.${domain}`.toLowerCase();
}

/** The handle a new account gets from its email (the database trigger implements the same rule). */
export function handleBaseFor(email: string): string {
  const local = email
    .split("@")[0]!
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .replace(/^[0-9]+/, "");
  return (local || "user").slice(0, 18);
}

/** An URL for a host on a port (the default port of the scheme is left out). */
export function hostUrl(options: { host: string; scheme: "http" | "https"; port: number }): string {
  const standard = options.scheme === "http" ? 80 : 443;
  return `${options.scheme}://${options.host}${options.port === standard ? "" : `:${options.port}`}/`;
}
