-- Disk in the quota counters (issue 12 with issue 15's counters): QuotaUsage.diskGib is the disk of
-- the user's containers not being deleted, kept by the same row triggers as the reserved cloudlets.
ALTER TABLE "QuotaUsage" ADD COLUMN "diskGib" INTEGER NOT NULL DEFAULT 0;

UPDATE "QuotaUsage" q SET "diskGib" = COALESCE((
  SELECT SUM(c."diskGib") FROM "Container" c JOIN "Environment" e ON e."id" = c."environmentId"
  WHERE e."ownerId" = q."userId" AND c."desiredState" <> 'DELETED'), 0);

CREATE OR REPLACE FUNCTION hostplane_quota_usage_environment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "QuotaUsage" ("userId", "environments") VALUES (NEW."ownerId", 1)
      ON CONFLICT ("userId") DO UPDATE SET "environments" = "QuotaUsage"."environments" + 1;
    RETURN NULL;
  END IF;
  UPDATE "QuotaUsage" SET
    "environments" = "environments" - 1,
    "reservedCloudlets" = "reservedCloudlets" - COALESCE((SELECT SUM(c."reservedCloudlets") FROM "Container" c
      WHERE c."environmentId" = OLD."id" AND c."desiredState" <> 'DELETED'), 0),
    "diskGib" = "diskGib" - COALESCE((SELECT SUM(c."diskGib") FROM "Container" c
      WHERE c."environmentId" = OLD."id" AND c."desiredState" <> 'DELETED'), 0)
  WHERE "userId" = OLD."ownerId";
  RETURN OLD;
END;
$$;

CREATE OR REPLACE FUNCTION hostplane_quota_usage_container() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := 0;
  disk integer := 0;
  env text;
  owner text;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."desiredState" <> 'DELETED' THEN
    delta := delta - OLD."reservedCloudlets";
    disk := disk - OLD."diskGib";
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."desiredState" <> 'DELETED' THEN
    delta := delta + NEW."reservedCloudlets";
    disk := disk + NEW."diskGib";
  END IF;
  IF delta = 0 AND disk = 0 THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    env := OLD."environmentId";
  ELSE
    env := NEW."environmentId";
  END IF;
  SELECT e."ownerId" INTO owner FROM "Environment" e WHERE e."id" = env;
  IF owner IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO "QuotaUsage" ("userId", "reservedCloudlets", "diskGib") VALUES (owner, delta, disk)
    ON CONFLICT ("userId") DO UPDATE SET
      "reservedCloudlets" = "QuotaUsage"."reservedCloudlets" + delta,
      "diskGib" = "QuotaUsage"."diskGib" + disk;
  RETURN NULL;
END;
$$;

DROP TRIGGER "Container_quota" ON "Container";
CREATE TRIGGER "Container_quota" AFTER INSERT OR DELETE OR UPDATE OF "desiredState", "reservedCloudlets", "diskGib" ON "Container"
  FOR EACH ROW EXECUTE FUNCTION hostplane_quota_usage_container();
