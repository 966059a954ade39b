// Runs before every page request:
// - a per-request nonce Content-Security-Policy (lib/http/security-headers) that Next.js applies to its scripts;
// - server-action POSTs with an oversized, empty or undecodable body get 413/400 here instead of a 500
//   from Next.js (lib/http/action-body);
// - convenience only: visitors without a session cookie are sent to the sign-in page. Every page, server
//   action and route handler still checks the session itself (lib/auth/session) — see CVE-2025-29927.
import { NextResponse, type NextRequest } from "next/server";
import { actionBodyProblem, contentLengthProblem } from "@/lib/http/action-body";
import { newNonce, pageCsp } from "@/lib/http/security-headers";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PROTECTED = /^\/(environments|account|admin)(\/|$)/;

function plain(status: number, message: string, csp: string): NextResponse {
  return new NextResponse(message, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "content-security-policy": csp },
  });
}

export async function proxy(request: NextRequest) {
  const nonce = newNonce();
  const csp = pageCsp(nonce, process.env.NODE_ENV === "development");

  if (request.method === "POST") {
    const problem = request.headers.has("next-action")
      ? await actionBodyProblem(request)
      : contentLengthProblem(request.headers.get("content-length"));
    if (problem) return plain(problem.status, problem.message, csp);
  }

  if (PROTECTED.test(request.nextUrl.pathname)) {
    const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
    if (!hasSession) {
      const url = request.nextUrl.clone();
      url.pathname = "/login";
      url.search = `?callbackUrl=${encodeURIComponent(request.nextUrl.pathname)}`;
      const redirect = NextResponse.redirect(url);
      redirect.headers.set("content-security-policy", csp);
      return redirect;
    }
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

// Every page and server action; not route handlers (/api, static CSP from next.config.ts) nor static files.
export const config = { matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico).*)"] };
