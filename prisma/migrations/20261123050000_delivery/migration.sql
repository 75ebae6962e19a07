-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "bounceDomain" TEXT,
ADD COLUMN     "deliverySyncMinutes" INTEGER NOT NULL DEFAULT 10;

-- CreateTable
CREATE TABLE "SentEmailRecipient" (
    "id" TEXT NOT NULL,
    "sentEmailId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "normalized" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SentEmailRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryMailbox" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "security" "SmtpSecurity" NOT NULL DEFAULT 'ssl',
    "username" TEXT NOT NULL,
    "passwordEnc" TEXT,
    "folder" TEXT NOT NULL DEFAULT 'INBOX',
    "uidValidity" BIGINT,
    "lastUid" BIGINT,
    "lastSyncAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeliveryMailbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryReport" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "sentEmailId" TEXT,
    "recipient" TEXT,
    "kind" TEXT NOT NULL,
    "action" TEXT,
    "status" TEXT,
    "diagnostic" TEXT,
    "matchedBy" TEXT,
    "reportedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeliveryReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertSettings" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "emailMode" TEXT NOT NULL DEFAULT 'immediate',
    "webhookUrl" TEXT,
    "webhookSecretEnc" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "sentEmailId" TEXT,
    "eventKey" TEXT NOT NULL,
    "recipient" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "emailedAt" TIMESTAMP(3),
    "webhookDeliveredAt" TIMESTAMP(3),
    "webhookAttempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SentEmailRecipient_normalized_idx" ON "SentEmailRecipient"("normalized");

-- CreateIndex
CREATE UNIQUE INDEX "SentEmailRecipient_sentEmailId_normalized_key" ON "SentEmailRecipient"("sentEmailId", "normalized");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryMailbox_organizationId_key" ON "DeliveryMailbox"("organizationId");

-- CreateIndex
CREATE INDEX "DeliveryReport_sentEmailId_idx" ON "DeliveryReport"("sentEmailId");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryReport_organizationId_sourceKey_key" ON "DeliveryReport"("organizationId", "sourceKey");

-- CreateIndex
CREATE UNIQUE INDEX "AlertSettings_organizationId_key" ON "AlertSettings"("organizationId");

-- CreateIndex
CREATE INDEX "AlertEvent_organizationId_emailedAt_idx" ON "AlertEvent"("organizationId", "emailedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AlertEvent_organizationId_eventKey_key" ON "AlertEvent"("organizationId", "eventKey");

-- AddForeignKey
ALTER TABLE "SentEmailRecipient" ADD CONSTRAINT "SentEmailRecipient_sentEmailId_fkey" FOREIGN KEY ("sentEmailId") REFERENCES "SentEmail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryMailbox" ADD CONSTRAINT "DeliveryMailbox_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryReport" ADD CONSTRAINT "DeliveryReport_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryReport" ADD CONSTRAINT "DeliveryReport_sentEmailId_fkey" FOREIGN KEY ("sentEmailId") REFERENCES "SentEmail"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertSettings" ADD CONSTRAINT "AlertSettings_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertEvent" ADD CONSTRAINT "AlertEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertEvent" ADD CONSTRAINT "AlertEvent_sentEmailId_fkey" FOREIGN KEY ("sentEmailId") REFERENCES "SentEmail"("id") ON DELETE SET NULL ON UPDATE CASCADE;
