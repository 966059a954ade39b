-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "deployKeyPublic" TEXT,
ADD COLUMN     "deployKeySealed" TEXT;

-- CreateTable
CREATE TABLE "Variable" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "layerId" TEXT,
    "scope" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "secret" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Variable_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Variable_environmentId_scope_name_key" ON "Variable"("environmentId", "scope", "name");

-- AddForeignKey
ALTER TABLE "Variable" ADD CONSTRAINT "Variable_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Variable" ADD CONSTRAINT "Variable_layerId_fkey" FOREIGN KEY ("layerId") REFERENCES "Layer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
