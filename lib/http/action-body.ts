// Server-action requests are checked before Next.js decodes them (proxy.ts): without this an oversized,
// empty or undecodable body makes Next.js answer HTTP 500. A real client (React's encodeReply) sends
// either a JSON array as text or multipart form data; anything else gets 400, over 1 MB gets 413.
export const ACTION_BODY_LIMIT = 1024 * 1024;

export type BodyProblem = { status: 400 | 413; message: string };

const TOO_LARGE: BodyProblem = { status: 413, message: "The request is larger than 1 MB." };

export function contentLengthProblem(contentLength: string | null): BodyProblem | null {
  if (contentLength === null) return null;
  const n = Number(contentLength);
  if (!Number.isFinite(n) || n < 0) return { status: 400, message: "The request has an invalid Content-Length." };
  return n > ACTION_BODY_LIMIT ? TOO_LARGE : null;
}

/** Reads the (already buffered) body of a server-action POST and says what is wrong with it, if anything. */
export async function actionBodyProblem(request: Request): Promise<BodyProblem | null> {
  const early = contentLengthProblem(request.headers.get("content-length"));
  if (early) return early;
  let body: ArrayBuffer;
  try {
    body = await request.arrayBuffer();
  } catch {
    return { status: 400, message: "The request body could not be read." };
  }
  if (body.byteLength > ACTION_BODY_LIMIT) return TOO_LARGE;
  if (body.byteLength === 0) return { status: 400, message: "The request body is empty." };
  const type = request.headers.get("content-type") ?? "";
  if (/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) {
    try {
      await new Response(body, { headers: { "content-type": type } }).formData();
      return null;
    } catch {
      return { status: 400, message: "The form data in the request is malformed." };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return { status: 400, message: "The request body is not valid JSON." };
  }
  return Array.isArray(parsed) ? null : { status: 400, message: "The request body must be a JSON array of arguments." };
}
