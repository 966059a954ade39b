-- Disk counts in the user quota (issue 12): total GiB of disk a user's containers may hold.
ALTER TABLE "Quota" ADD COLUMN "maxDiskGib" INTEGER NOT NULL DEFAULT 200;
