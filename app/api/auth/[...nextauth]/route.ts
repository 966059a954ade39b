import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { signInContext, type SignInOutcome } from "@/lib/auth/signin-context";
import { retryAfterSeconds } from "@/lib/auth/throttle";

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

// A throttled credentials sign-in answers 429 with Retry-After (next-auth alone would answer 401); the
// body keeps next-auth's shape ({ url } carrying ?error=<message>) so its client shows the same message.
async function POST(request: Request, context: Context): Promise<Response> {
  const outcome: SignInOutcome = {};
  const response: Response = await signInContext.run(outcome, () => handler(request, context));
  if (outcome.retryAfterMs === undefined) return response;
  const headers = new Headers(response.headers);
  headers.delete("location");
  headers.delete("content-length");
  headers.set("retry-after", String(retryAfterSeconds(outcome.retryAfterMs)));
  headers.set("content-type", "application/json");
  let url: string | undefined;
  try {
    url = ((await response.clone().json()) as { url?: string }).url;
  } catch {
    url = response.headers.get("location") ?? undefined;
  }
  return new Response(JSON.stringify({ url, error: outcome.message }), { status: 429, headers });
}

export { handler as GET, POST };
