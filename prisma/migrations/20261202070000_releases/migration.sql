-- Deploys (issue 14): releases per layer, the release each container serves, draining during a switch.
CREATE TYPE "ReleaseStatus" AS ENUM ('PENDING', 'DEPLOYING', 'ACTIVE', 'FAILED', 'INACTIVE');

ALTER TABLE "Layer" ADD COLUMN "currentReleaseId" TEXT,
  ADD COLUMN "healthPath" TEXT NOT NULL DEFAULT '/',
  ADD COLUMN "deployBatch" INTEGER NOT NULL DEFAULT 1;

ALTER TABLE "Container" ADD COLUMN "releaseId" TEXT,
  ADD COLUMN "draining" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "Release" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "layerId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "sourceLabel" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "createdById" TEXT,
    "status" "ReleaseStatus" NOT NULL DEFAULT 'PENDING',
    "archivePath" TEXT,
    "phases" JSONB NOT NULL DEFAULT '{}',
    "output" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Release_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Release_layerId_number_key" ON "Release"("layerId", "number");
CREATE INDEX "Release_environmentId_idx" ON "Release"("environmentId");

ALTER TABLE "Release" ADD CONSTRAINT "Release_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Release" ADD CONSTRAINT "Release_layerId_fkey" FOREIGN KEY ("layerId") REFERENCES "Layer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Release" ADD CONSTRAINT "Release_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Release rows carry their environment like layers do.
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
    WHEN 'Layer', 'Release' THEN
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

-- The environment page follows its releases live (the payload's environmentId comes from the row).
CREATE TRIGGER "Release_notify" AFTER INSERT OR UPDATE OR DELETE ON "Release"
  FOR EACH ROW EXECUTE FUNCTION hostplane_notify_change('updatedAt');
