import { describe, expect, it } from "vitest";
import { auditEventData } from "@/lib/services/audit";
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, isAuditAction, ZAuditFilter } from "./audit";

describe("audit actions", () => {
  it("are dotted lower-case names the audit page's filter accepts", () => {
    expect(AUDIT_ACTION_NAMES.length).toBeGreaterThan(30);
    for (const action of AUDIT_ACTION_NAMES) {
      expect(action).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
      expect(ZAuditFilter.parse({ action }).action).toBe(action);
    }
  });

  it("recognises only the declared names", () => {
    expect(isAuditAction("environment.create")).toBe(true);
    expect(isAuditAction("environment.created")).toBe(false);
    expect(isAuditAction("toString")).toBe(false);
    expect(isAuditAction("")).toBe(false);
  });

  it("fills an event's target type from its action unless one is given", () => {
    expect(auditEventData({ action: "node.offline", targetId: "n1" })).toMatchObject({
      action: "node.offline",
      targetType: AUDIT_ACTIONS["node.offline"],
      targetId: "n1",
      result: "SUCCESS",
      actorId: null,
      detail: {},
    });
    expect(auditEventData({ action: "auth.signin", targetType: "user", result: "FAILURE" })).toMatchObject({
      targetType: "user",
      result: "FAILURE",
    });
  });
});
