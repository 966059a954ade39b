-- Platform names for the ingress: every user gets a handle (environments answer at
-- <env>-<handle>.<domain>) and every environment an HTTP→HTTPS redirect switch.

-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "httpsRedirect" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "handle" TEXT NOT NULL DEFAULT '';

-- A handle is derived from the email's local part: lower-case letters and digits, starting with a
-- letter, at most 18 characters, then 2, 3, … appended until it is free. Serialised by an advisory
-- lock so two sign-ups with the same local part cannot race to the same handle.
CREATE OR REPLACE FUNCTION hostplane_user_handle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  base text;
  candidate text;
  n integer := 1;
BEGIN
  IF NEW.handle IS NOT NULL AND NEW.handle <> '' THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(7265111);
  base := regexp_replace(lower(split_part(NEW.email, '@', 1)), '[^a-z0-9]', '', 'g');
  base := left(regexp_replace(base, '^[0-9]+', ''), 18);
  IF base = '' THEN
    base := 'user';
  END IF;
  candidate := base;
  WHILE EXISTS (SELECT 1 FROM "User" WHERE "handle" = candidate AND "id" <> NEW."id") LOOP
    n := n + 1;
    candidate := base || n::text;
  END LOOP;
  NEW.handle := candidate;
  RETURN NEW;
END
$$;

CREATE TRIGGER hostplane_user_handle BEFORE INSERT OR UPDATE OF "handle" ON "User"
  FOR EACH ROW EXECUTE FUNCTION hostplane_user_handle();

-- Backfill, oldest account first (it keeps the plain handle).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT "id" FROM "User" ORDER BY "createdAt", "id" LOOP
    UPDATE "User" SET "handle" = '' WHERE "id" = r."id";
  END LOOP;
END
$$;

-- CreateIndex
CREATE UNIQUE INDEX "User_handle_key" ON "User"("handle");
