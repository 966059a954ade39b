// Where to go after signing in or out: same-origin paths only. Browsers treat "\" like "/" and drop
// TAB/CR/LF inside URLs, so "/\evil.example" and "/<TAB>/evil.example" both mean "//evil.example" to them:
// any control character or backslash is refused outright, and the result must resolve to our origin.
export const DEFAULT_AFTER_SIGNIN = "/environments";
const PROBE_ORIGIN = "http://hostplane.invalid";

/** The value as a same-origin path ("/x?y#z"), or null when it is anything else. */
export function safeLocalPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return null;
  if (!value.startsWith("/") || value.startsWith("//")) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PROBE_ORIGIN) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** next-auth's redirect callback: a same-origin path or absolute URL on baseUrl's origin, else the default. */
export function safeRedirect(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  const fallback = `${base.origin}${DEFAULT_AFTER_SIGNIN}`;
  if (url.startsWith("/")) {
    const path = safeLocalPath(url);
    return path ? `${base.origin}${path}` : fallback;
  }
  if (/[\u0000-\u001f\u007f\\]/.test(url)) return fallback;
  try {
    const absolute = new URL(url);
    if (absolute.origin === base.origin) return absolute.href;
  } catch {
    // not a URL at all
  }
  return fallback;
}
