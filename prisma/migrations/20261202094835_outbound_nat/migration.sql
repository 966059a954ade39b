-- AlterTable
ALTER TABLE "Region" ADD COLUMN     "outboundNat" BOOLEAN NOT NULL DEFAULT true;
