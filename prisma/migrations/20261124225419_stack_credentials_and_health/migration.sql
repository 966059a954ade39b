-- AlterTable
ALTER TABLE "Container" ADD COLUMN     "healthFailures" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Layer" ADD COLUMN     "secretsEncrypted" TEXT;
