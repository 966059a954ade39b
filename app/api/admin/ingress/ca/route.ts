// The ingress's internal CA root certificate, for browsers and curl to trust the certificates it issues
// (admins only; the role is checked here and again in the service).
import { NextResponse } from "next/server";
import { requireAdmin } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getIngressCaCertificate } from "@/lib/services/ingress";

export const dynamic = "force-dynamic";

export async function GET() {
  let actor;
  try {
    actor = await requireAdmin();
  } catch (error) {
    const status = isAppError(error) && error.code === "FORBIDDEN" ? 403 : 401;
    return NextResponse.json({ error: status === 403 ? "forbidden" : "unauthenticated" }, { status });
  }
  try {
    const pem = await getIngressCaCertificate(actor);
    return new NextResponse(pem, {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `attachment; filename="hostplane-ingress-ca.crt"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    const message = isAppError(error) ? error.message : "The ingress does not answer.";
    return NextResponse.json({ error: message }, { status: 503 });
  }
}
