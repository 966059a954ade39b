import { describe, expect, it } from "vitest";
import { parseFeedEvent } from "./events";

describe("parseFeedEvent", () => {
  it("reads a trigger's payload", () => {
    const payload =
      '{"id": "o1", "op": "UPDATE", "kind": "CREATE", "table": "Operation", "status": "FAILED", "ownerId": "u1", "environmentId": "e1"}';
    expect(parseFeedEvent(payload)).toEqual({
      table: "Operation",
      op: "UPDATE",
      id: "o1",
      kind: "CREATE",
      status: "FAILED",
      ownerId: "u1",
      environmentId: "e1",
    });
  });

  it.each([
    ["not JSON", "{"],
    ["an unknown table", '{"table":"LoginThrottle","op":"INSERT","id":"x"}'],
    ["an unknown operation", '{"table":"User","op":"TRUNCATE","id":"x"}'],
    ["no id", '{"table":"User","op":"INSERT"}'],
    ["an oversized id", JSON.stringify({ table: "User", op: "INSERT", id: "x".repeat(65) })],
  ])("refuses %s", (_name, text) => {
    expect(parseFeedEvent(text)).toBeNull();
  });

  it("drops fields it does not know (such as error text)", () => {
    expect(parseFeedEvent('{"table":"Operation","op":"UPDATE","id":"o","error":"stderr"}')).toEqual({
      table: "Operation",
      op: "UPDATE",
      id: "o",
    });
  });
});
