-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'DEVELOPER');

-- CreateEnum
CREATE TYPE "UserStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "RegionStatus" AS ENUM ('ACTIVE', 'MAINTENANCE');

-- CreateEnum
CREATE TYPE "EngineKind" AS ENUM ('LXC', 'VIRTUOZZO', 'SIM');

-- CreateEnum
CREATE TYPE "TransportKind" AS ENUM ('LOCAL', 'SSH');

-- CreateEnum
CREATE TYPE "NodeStatus" AS ENUM ('ACTIVE', 'MAINTENANCE', 'EVACUATING', 'OFFLINE');

-- CreateEnum
CREATE TYPE "DesiredState" AS ENUM ('RUNNING', 'STOPPED', 'DELETED');

-- CreateEnum
CREATE TYPE "EnvironmentStatus" AS ENUM ('CREATING', 'RUNNING', 'STOPPED', 'UPDATING', 'DEGRADED', 'FAILED', 'DELETING');

-- CreateEnum
CREATE TYPE "LayerRole" AS ENUM ('BALANCER', 'APP', 'SQL', 'NOSQL', 'CACHE', 'STATIC', 'CUSTOM');

-- CreateEnum
CREATE TYPE "ContainerState" AS ENUM ('PENDING', 'CREATING', 'STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'MIGRATING', 'DELETING', 'FAILED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "AuditResult" AS ENUM ('SUCCESS', 'FAILURE');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "githubId" TEXT,
    "role" "Role" NOT NULL DEFAULT 'DEVELOPER',
    "status" "UserStatus" NOT NULL DEFAULT 'ACTIVE',
    "sessionVersion" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Quota" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "maxEnvironments" INTEGER NOT NULL DEFAULT 10,
    "maxCloudletsPerContainer" INTEGER NOT NULL DEFAULT 16,
    "maxContainersPerLayer" INTEGER NOT NULL DEFAULT 16,
    "maxReservedCloudlets" INTEGER NOT NULL DEFAULT 64,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Quota_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SshKey" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SshKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Region" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "RegionStatus" NOT NULL DEFAULT 'ACTIVE',
    "subnetPool" TEXT NOT NULL DEFAULT '10.213.0.0/16',
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HardwareNode" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "engine" "EngineKind" NOT NULL,
    "transport" "TransportKind" NOT NULL DEFAULT 'LOCAL',
    "sshHost" TEXT,
    "sshPort" INTEGER,
    "sshUser" TEXT,
    "sshKeyEncrypted" TEXT,
    "hostKey" TEXT,
    "hostKeyFingerprint" TEXT,
    "lxcPath" TEXT,
    "bridge" TEXT,
    "subnet" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "status" "NodeStatus" NOT NULL DEFAULT 'ACTIVE',
    "overcommitRatio" DOUBLE PRECISION NOT NULL DEFAULT 1.0,
    "ramMib" INTEGER NOT NULL,
    "cpuMhz" INTEGER NOT NULL,
    "diskGib" INTEGER NOT NULL,
    "maxContainers" INTEGER NOT NULL DEFAULT 100,
    "cores" INTEGER NOT NULL DEFAULT 1,
    "mhzPerCore" INTEGER NOT NULL DEFAULT 2000,
    "reservedRamMib" INTEGER NOT NULL DEFAULT 0,
    "reservedCpuMhz" INTEGER NOT NULL DEFAULT 0,
    "reservedDiskGib" INTEGER NOT NULL DEFAULT 0,
    "reservedContainers" INTEGER NOT NULL DEFAULT 0,
    "reservedLimitCloudlets" INTEGER NOT NULL DEFAULT 0,
    "memUsedMib" INTEGER NOT NULL DEFAULT 0,
    "memTotalMib" INTEGER NOT NULL DEFAULT 0,
    "swapUsedMib" INTEGER NOT NULL DEFAULT 0,
    "swapTotalMib" INTEGER NOT NULL DEFAULT 0,
    "diskUsedGib" INTEGER NOT NULL DEFAULT 0,
    "diskTotalGib" INTEGER NOT NULL DEFAULT 0,
    "loadAvg5" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "facts" JSONB NOT NULL DEFAULT '{}',
    "lastSeenAt" TIMESTAMP(3),
    "lastError" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HardwareNode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "desiredState" "DesiredState" NOT NULL DEFAULT 'RUNNING',
    "status" "EnvironmentStatus" NOT NULL DEFAULT 'CREATING',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Environment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Layer" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "LayerRole" NOT NULL,
    "stack" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "reservedCloudlets" INTEGER NOT NULL,
    "dynamicCloudlets" INTEGER NOT NULL,
    "diskGib" INTEGER NOT NULL,
    "ha" BOOLEAN NOT NULL DEFAULT false,
    "labelSelector" JSONB NOT NULL DEFAULT '{}',
    "position" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Layer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Container" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "layerId" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "hardwareNodeId" TEXT,
    "ip" TEXT,
    "desiredState" "DesiredState" NOT NULL DEFAULT 'RUNNING',
    "observedState" "ContainerState" NOT NULL DEFAULT 'PENDING',
    "reservedCloudlets" INTEGER NOT NULL,
    "dynamicCloudlets" INTEGER NOT NULL,
    "diskGib" INTEGER NOT NULL,
    "health" TEXT,
    "lastObservedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Container_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContainerMetric" (
    "id" BIGSERIAL NOT NULL,
    "containerId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cpuMhz" DOUBLE PRECISION NOT NULL,
    "ramMib" DOUBLE PRECISION NOT NULL,
    "diskMib" DOUBLE PRECISION NOT NULL,
    "netRxBytes" BIGINT NOT NULL,
    "netTxBytes" BIGINT NOT NULL,

    CONSTRAINT "ContainerMetric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'PENDING',
    "environmentId" TEXT,
    "hardwareNodeId" TEXT,
    "userId" TEXT,
    "idempotencyKey" TEXT,
    "input" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationStep" (
    "id" TEXT NOT NULL,
    "operationId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT,
    "status" "StepStatus" NOT NULL DEFAULT 'PENDING',
    "message" TEXT,
    "input" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OperationStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "result" "AuditResult" NOT NULL DEFAULT 'SUCCESS',
    "ip" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastBeat" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_githubId_key" ON "User"("githubId");

-- CreateIndex
CREATE UNIQUE INDEX "Quota_userId_key" ON "Quota"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "SshKey_userId_fingerprint_key" ON "SshKey"("userId", "fingerprint");

-- CreateIndex
CREATE INDEX "LoginAttempt_email_createdAt_idx" ON "LoginAttempt"("email", "createdAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_ip_createdAt_idx" ON "LoginAttempt"("ip", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Region_name_key" ON "Region"("name");

-- CreateIndex
CREATE UNIQUE INDEX "HardwareNode_name_key" ON "HardwareNode"("name");

-- CreateIndex
CREATE UNIQUE INDEX "HardwareNode_subnet_key" ON "HardwareNode"("subnet");

-- CreateIndex
CREATE INDEX "Environment_status_idx" ON "Environment"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Environment_ownerId_name_key" ON "Environment"("ownerId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Layer_environmentId_name_key" ON "Layer"("environmentId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Container_ip_key" ON "Container"("ip");

-- CreateIndex
CREATE INDEX "Container_hardwareNodeId_idx" ON "Container"("hardwareNodeId");

-- CreateIndex
CREATE INDEX "Container_environmentId_idx" ON "Container"("environmentId");

-- CreateIndex
CREATE UNIQUE INDEX "Container_layerId_ordinal_key" ON "Container"("layerId", "ordinal");

-- CreateIndex
CREATE INDEX "ContainerMetric_containerId_at_idx" ON "ContainerMetric"("containerId", "at");

-- CreateIndex
CREATE INDEX "ContainerMetric_at_idx" ON "ContainerMetric"("at");

-- CreateIndex
CREATE UNIQUE INDEX "Operation_idempotencyKey_key" ON "Operation"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Operation_environmentId_createdAt_idx" ON "Operation"("environmentId", "createdAt");

-- CreateIndex
CREATE INDEX "Operation_status_idx" ON "Operation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "OperationStep_operationId_position_key" ON "OperationStep"("operationId", "position");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_action_createdAt_idx" ON "AuditEvent"("action", "createdAt");

-- AddForeignKey
ALTER TABLE "Quota" ADD CONSTRAINT "Quota_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SshKey" ADD CONSTRAINT "SshKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HardwareNode" ADD CONSTRAINT "HardwareNode_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Layer" ADD CONSTRAINT "Layer_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Container" ADD CONSTRAINT "Container_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Container" ADD CONSTRAINT "Container_layerId_fkey" FOREIGN KEY ("layerId") REFERENCES "Layer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Container" ADD CONSTRAINT "Container_hardwareNodeId_fkey" FOREIGN KEY ("hardwareNodeId") REFERENCES "HardwareNode"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContainerMetric" ADD CONSTRAINT "ContainerMetric_containerId_fkey" FOREIGN KEY ("containerId") REFERENCES "Container"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_hardwareNodeId_fkey" FOREIGN KEY ("hardwareNodeId") REFERENCES "HardwareNode"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationStep" ADD CONSTRAINT "OperationStep_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
