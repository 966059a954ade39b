-- Quota usage as counters: one row per user, kept equal to the aggregates (environments owned;
-- reserved cloudlets of containers not being deleted) by row triggers that run in the transaction
-- that changes the rows, so a placement's quota check reads one row instead of summing containers.
-- CreateTable
CREATE TABLE "QuotaUsage" (
    "userId" TEXT NOT NULL,
    "environments" INTEGER NOT NULL DEFAULT 0,
    "reservedCloudlets" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QuotaUsage_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "QuotaUsage" ADD CONSTRAINT "QuotaUsage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing users start from the aggregates.
INSERT INTO "QuotaUsage" ("userId", "environments", "reservedCloudlets")
SELECT u."id",
  (SELECT COUNT(*) FROM "Environment" e WHERE e."ownerId" = u."id"),
  COALESCE((SELECT SUM(c."reservedCloudlets") FROM "Container" c JOIN "Environment" e ON e."id" = c."environmentId"
            WHERE e."ownerId" = u."id" AND c."desiredState" <> 'DELETED'), 0)
FROM "User" u;

-- Environments: +1 on insert. On delete (BEFORE, while the row is still there) −1 and minus the
-- cloudlets of its containers not yet marked DELETED: the cascade that removes them afterwards no
-- longer finds the owner, so the container trigger skips them.
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
      WHERE c."environmentId" = OLD."id" AND c."desiredState" <> 'DELETED'), 0)
  WHERE "userId" = OLD."ownerId";
  RETURN OLD;
END;
$$;

CREATE TRIGGER "Environment_quota_insert" AFTER INSERT ON "Environment"
  FOR EACH ROW EXECUTE FUNCTION hostplane_quota_usage_environment();
CREATE TRIGGER "Environment_quota_delete" BEFORE DELETE ON "Environment"
  FOR EACH ROW EXECUTE FUNCTION hostplane_quota_usage_environment();

-- Containers: the reserved cloudlets of a container count while its desired state is not DELETED.
-- Only a change of that amount touches the counter row (stop/start and observed-state updates do not).
CREATE OR REPLACE FUNCTION hostplane_quota_usage_container() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := 0;
  env text;
  owner text;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."desiredState" <> 'DELETED' THEN
    delta := delta - OLD."reservedCloudlets";
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."desiredState" <> 'DELETED' THEN
    delta := delta + NEW."reservedCloudlets";
  END IF;
  IF delta = 0 THEN
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
  INSERT INTO "QuotaUsage" ("userId", "reservedCloudlets") VALUES (owner, delta)
    ON CONFLICT ("userId") DO UPDATE SET "reservedCloudlets" = "QuotaUsage"."reservedCloudlets" + delta;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Container_quota" AFTER INSERT OR DELETE OR UPDATE OF "desiredState", "reservedCloudlets" ON "Container"
  FOR EACH ROW EXECUTE FUNCTION hostplane_quota_usage_container();
