-- Allocation ratios per region (OpenStack cpu/ram/disk_allocation_ratio): placement may reserve
-- physical capacity × ratio on every node of the region. CPU defaults to 4:1, RAM and disk to 1:1.
-- AlterTable
ALTER TABLE "Region" ADD COLUMN     "cpuAllocationRatio" DOUBLE PRECISION NOT NULL DEFAULT 4.0,
ADD COLUMN     "diskAllocationRatio" DOUBLE PRECISION NOT NULL DEFAULT 1.0,
ADD COLUMN     "ramAllocationRatio" DOUBLE PRECISION NOT NULL DEFAULT 1.0;
