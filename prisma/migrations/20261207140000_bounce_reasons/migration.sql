-- Delivery outcomes by reason (src/delivery/reasons.ts): the reason of each
-- report, recipient and bounced message; soft-bounce streaks and complaints
-- on member addresses.

-- AlterTable
ALTER TABLE "DeliveryReport" ADD COLUMN     "reason" TEXT;

-- AlterTable
ALTER TABLE "SentEmail" ADD COLUMN     "bounceReason" TEXT;

-- AlterTable
ALTER TABLE "SentEmailRecipient" ADD COLUMN     "bounceReason" TEXT;

-- AlterTable
ALTER TABLE "MemberEmail" ADD COLUMN     "complainedAt" TIMESTAMP(3),
ADD COLUMN     "softBounceCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "softBounceSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "AlertEvent" ADD COLUMN     "bounceReason" TEXT;

-- CreateIndex
CREATE INDEX "SentEmail_organizationId_bounceReason_idx" ON "SentEmail"("organizationId", "bounceReason");
