-- The events feed: every change to a row the pages show sends a tiny NOTIFY on channel
-- `hostplane_events` when its transaction commits (table, op, id, environment, owner, status, kind;
-- never error text). One listening connection per panel process fans it out (lib/events).
-- Trigger arguments name bookkeeping columns: an UPDATE that changes only those sends nothing.
CREATE OR REPLACE FUNCTION hostplane_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  env text;
  owner text;
  st text;
  kind text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    r := to_jsonb(OLD);
  ELSE
    r := to_jsonb(NEW);
  END IF;
  IF TG_OP = 'UPDATE' AND (r - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
    RETURN NULL;
  END IF;
  CASE TG_TABLE_NAME
    WHEN 'Environment' THEN
      env := r->>'id';
      owner := r->>'ownerId';
      st := r->>'status';
    WHEN 'Layer' THEN
      env := r->>'environmentId';
    WHEN 'Container' THEN
      env := r->>'environmentId';
      st := r->>'observedState';
    WHEN 'Operation' THEN
      env := r->>'environmentId';
      st := r->>'status';
      kind := r->>'kind';
    WHEN 'OperationStep' THEN
      SELECT o."environmentId" INTO env FROM "Operation" o WHERE o."id" = r->>'operationId';
      st := r->>'status';
    WHEN 'User' THEN
      owner := r->>'id';
      st := r->>'status';
    WHEN 'Quota' THEN
      owner := r->>'userId';
    WHEN 'HardwareNode', 'Region' THEN
      st := r->>'status';
    ELSE
      NULL;
  END CASE;
  IF owner IS NULL AND env IS NOT NULL THEN
    SELECT e."ownerId" INTO owner FROM "Environment" e WHERE e."id" = env;
  END IF;
  PERFORM pg_notify('hostplane_events', jsonb_strip_nulls(jsonb_build_object(
    'table', TG_TABLE_NAME, 'op', TG_OP, 'id', r->>'id',
    'environmentId', env, 'ownerId', owner, 'status', st, 'kind', kind))::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Environment_notify" AFTER INSERT OR UPDATE OR DELETE ON "Environment"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "Layer_notify" AFTER INSERT OR UPDATE OR DELETE ON "Layer"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "Container_notify" AFTER INSERT OR UPDATE OR DELETE ON "Container"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt', 'lastObservedAt');
CREATE TRIGGER "Operation_notify" AFTER INSERT OR UPDATE OR DELETE ON "Operation"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "OperationStep_notify" AFTER INSERT OR UPDATE OR DELETE ON "OperationStep"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "User_notify" AFTER INSERT OR UPDATE OR DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "Quota_notify" AFTER INSERT OR UPDATE OR DELETE ON "Quota"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "HardwareNode_notify" AFTER INSERT OR UPDATE OR DELETE ON "HardwareNode"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt', 'lastSeenAt');
CREATE TRIGGER "Region_notify" AFTER INSERT OR UPDATE OR DELETE ON "Region"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
CREATE TRIGGER "AuditEvent_notify" AFTER INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change();
