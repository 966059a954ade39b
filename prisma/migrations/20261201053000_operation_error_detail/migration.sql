-- Operation.error becomes the plain summary every viewer sees, and the engine detail (argv, paths, stderr)
-- moves to errorDetail, which only administrators are shown.
ALTER TABLE "Operation" ADD COLUMN "errorDetail" TEXT;

UPDATE "Operation"
SET "errorDetail" = "error",
    "error" = split_part("error", ':', 1) || '. An administrator can see the details.'
WHERE "error" IS NOT NULL AND "status" = 'FAILED' AND "error" LIKE '% failed: %';
