// Upload a deploy archive for a layer: the raw body is the .tar.gz or .zip (streamed to disk, never
// buffered), `?file=` its name. Same checks as every action: the session here, ownership and input in
// the service. Browsers cannot send the custom header cross-site without a CORS preflight this route
// never answers, so another site cannot make a signed-in browser deploy.
import { clientIp, getSessionUser } from "@/lib/auth/session";
import { isAppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { deployArchive } from "@/lib/services/deploys";
import { DEPLOY_UPLOAD_HEADER, ZDeployUpload } from "@/lib/validation/deploys";

export const dynamic = "force-dynamic";

const STATUS = { NOT_FOUND: 404, FORBIDDEN: 403, CONFLICT: 409, VALIDATION: 400, UNAUTHENTICATED: 401 } as const;

export async function POST(request: Request, { params }: { params: Promise<{ id: string; layerId: string }> }) {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  if (request.headers.get(DEPLOY_UPLOAD_HEADER) !== "1")
    return Response.json({ error: `Uploads must send the ${DEPLOY_UPLOAD_HEADER} header.` }, { status: 403 });
  const { id, layerId } = await params;
  const parsed = ZDeployUpload.safeParse({
    environmentId: id,
    layerId,
    fileName: new URL(request.url).searchParams.get("file") ?? "",
  });
  if (!parsed.success)
    return Response.json(
      { error: "Check the upload.", fieldErrors: parsed.error.flatten().fieldErrors },
      { status: 400 },
    );
  if (!request.body) return Response.json({ error: "The upload is empty." }, { status: 400 });
  try {
    const result = await deployArchive({ actor: user, ...parsed.data, body: request.body, ip: await clientIp() });
    return Response.json(result, { status: 202 });
  } catch (error) {
    if (isAppError(error))
      return Response.json(
        { error: error.message, code: error.code, fieldErrors: error.fieldErrors },
        { status: STATUS[error.code as keyof typeof STATUS] ?? 400 },
      );
    console.error("[hostplane] deploy upload failed", error);
    return Response.json({ error: GENERIC_ERROR_MESSAGE }, { status: 500 });
  }
}
