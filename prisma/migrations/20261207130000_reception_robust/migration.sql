-- AlterTable
ALTER TABLE "MailboxAccount" ADD COLUMN     "lastErrorKind" TEXT,
ADD COLUMN     "oauthAccessExpiresAt" TIMESTAMP(3),
ADD COLUMN     "oauthAccessTokenEnc" TEXT,
ADD COLUMN     "oauthProvider" TEXT,
ADD COLUMN     "oauthRefreshTokenEnc" TEXT,
ADD COLUMN     "troubleMessageId" TEXT,
ADD COLUMN     "troubleUid" BIGINT;

-- AlterTable
ALTER TABLE "ReceivedMail" ADD COLUMN     "contentHash" TEXT,
ADD COLUMN     "dateHeader" TEXT;

-- CreateTable
CREATE TABLE "ReceivedDuplicate" (
    "id" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "messageId" TEXT,
    "subject" TEXT,
    "twinId" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReceivedDuplicate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReceivedDuplicate_twinId_idx" ON "ReceivedDuplicate"("twinId");

-- CreateIndex
CREATE UNIQUE INDEX "ReceivedDuplicate_mailboxId_uidValidity_uid_key" ON "ReceivedDuplicate"("mailboxId", "uidValidity", "uid");

-- AddForeignKey
ALTER TABLE "ReceivedDuplicate" ADD CONSTRAINT "ReceivedDuplicate_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "MailboxAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReceivedDuplicate" ADD CONSTRAINT "ReceivedDuplicate_twinId_fkey" FOREIGN KEY ("twinId") REFERENCES "ReceivedMail"("id") ON DELETE CASCADE ON UPDATE CASCADE;
