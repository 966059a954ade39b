import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT, actionBodyProblem } from "./action-body";

function post(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request("http://localhost/environments", {
    method: "POST",
    body,
    headers: { "next-action": "abc", "content-type": "text/plain;charset=UTF-8", ...headers },
  });
}

describe("actionBodyProblem", () => {
  it("accepts a JSON argument array and well-formed form data", async () => {
    expect(await actionBodyProblem(post(JSON.stringify([{ name: "x" }])))).toBeNull();
    const form = new FormData();
    form.set("1_name", "x");
    const multipart = new Request("http://localhost/x", { method: "POST", body: form });
    expect(await actionBodyProblem(multipart)).toBeNull();
  });

  it("answers 413 over 1 MB, by Content-Length or by the body itself", async () => {
    expect(await actionBodyProblem(post("[]", { "content-length": String(ACTION_BODY_LIMIT + 1) }))).toMatchObject({
      status: 413,
    });
    const big = JSON.stringify(["x".repeat(ACTION_BODY_LIMIT)]);
    expect(await actionBodyProblem(post(big))).toEqual({ status: 413, message: "The request is larger than 1 MB." });
  });

  it.each([
    ["empty", "", /empty/],
    ["not JSON", "{not json", /not valid JSON/],
    ["JSON but not an array", '{"a":1}', /JSON array/],
    ["invalid UTF-8", new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]), /not valid JSON/],
  ])("answers 400 for a body that is %s", async (_label, body, message) => {
    const problem = await actionBodyProblem(post(body as BodyInit));
    expect(problem?.status).toBe(400);
    expect(problem?.message).toMatch(message);
  });

  it("answers 400 for multipart data that does not parse", async () => {
    const problem = await actionBodyProblem(
      post("--b\r\ngarbage", { "content-type": "multipart/form-data; boundary=zzz" }),
    );
    expect(problem).toMatchObject({ status: 400, message: expect.stringMatching(/form data/) });
  });
});
