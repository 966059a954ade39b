// The ingress's own pages: what a visitor sees instead of the proxy's default answers. Plain HTML with
// inline CSS (no scripts, no external requests), light and dark like the panel.

function page(options: { status: number; title: string; message: string }): string {
  const { status, title, message } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Hostplane</title>
<style>
:root{color-scheme:light dark;--bg:#f8fafc;--fg:#0f172a;--muted:#475569;--card:#fff;--line:#e2e8f0;--accent:#4f46e5}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--fg:#e2e8f0;--muted:#94a3b8;--card:#111827;--line:#1f2937;--accent:#818cf8}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:24px}
main{max-width:32rem;width:100%;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:32px}
.code{font:600 13px/1 ui-monospace,monospace;color:var(--accent);letter-spacing:.08em}
h1{font-size:1.5rem;margin:.5rem 0 .75rem}p{margin:0;color:var(--muted)}
footer{margin-top:24px;font-size:.8rem;color:var(--muted)}
</style>
</head>
<body>
<main>
<div class="code">${status}</div>
<h1>${title}</h1>
<p>${message}</p>
<footer>Served by the Hostplane ingress</footer>
</main>
</body>
</html>
`;
}

/** A stopped environment: its owner stopped it on purpose. */
export const STOPPED_PAGE = page({
  status: 503,
  title: "This environment is stopped",
  message: "Its owner has stopped it. It answers again as soon as it is started from the Hostplane panel.",
});

const unavailable = (status: number) =>
  page({
    status,
    title: "This environment is not answering yet",
    message: "Its containers are starting or being repaired. Try again in a few seconds.",
  });

/** A running environment whose entry layer has no running container yet (creating, scaling from zero, repairing). */
export const UNAVAILABLE_PAGE = unavailable(503);

/** Every entry container refused the connection (Caddy's own 502 would be an empty page). */
export const BAD_GATEWAY_PAGE = unavailable(502);

/** A host name no environment or custom domain is bound to. */
export const NOT_FOUND_PAGE = page({
  status: 404,
  title: "No environment at this address",
  message:
    "No Hostplane environment answers to this host name. Check the address, or bind it to an environment as a custom domain.",
});
