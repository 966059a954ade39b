-- AlterTable
ALTER TABLE "Region" ADD COLUMN     "tcpEndpoints" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "TcpEndpoint" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "containerId" TEXT NOT NULL,
    "containerPort" INTEGER NOT NULL,
    "nodePort" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TcpEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TcpEndpoint_nodePort_key" ON "TcpEndpoint"("nodePort");

-- CreateIndex
CREATE INDEX "TcpEndpoint_environmentId_idx" ON "TcpEndpoint"("environmentId");

-- CreateIndex
CREATE UNIQUE INDEX "TcpEndpoint_containerId_containerPort_key" ON "TcpEndpoint"("containerId", "containerPort");

-- AddForeignKey
ALTER TABLE "TcpEndpoint" ADD CONSTRAINT "TcpEndpoint_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TcpEndpoint" ADD CONSTRAINT "TcpEndpoint_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container"("id") ON DELETE CASCADE ON UPDATE CASCADE;
