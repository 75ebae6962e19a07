-- AlterTable
ALTER TABLE "MailboxAccount" ADD COLUMN     "disconnectedAt" TIMESTAMP(3),
ADD COLUMN     "paused" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ReceivedMail" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "messageKey" TEXT NOT NULL,
    "messageId" TEXT,
    "fromAddress" TEXT,
    "fromName" TEXT,
    "to" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "cc" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "replyTo" TEXT,
    "subject" TEXT,
    "date" TIMESTAMP(3),
    "textBody" TEXT,
    "htmlBody" TEXT,
    "size" INTEGER NOT NULL,
    "rawStorageKey" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "reason" TEXT,
    "memberId" TEXT,
    "candidates" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "searchText" TEXT NOT NULL DEFAULT '',
    "assignedByKeyId" TEXT,
    "assignedAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReceivedMail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReceivedAttachment" (
    "id" TEXT NOT NULL,
    "receivedMailId" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "contentId" TEXT,
    "inline" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ReceivedAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReceivedMail_organizationId_category_receivedAt_idx" ON "ReceivedMail"("organizationId", "category", "receivedAt");

-- CreateIndex
CREATE INDEX "ReceivedMail_organizationId_memberId_idx" ON "ReceivedMail"("organizationId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "ReceivedMail_mailboxId_uidValidity_uid_key" ON "ReceivedMail"("mailboxId", "uidValidity", "uid");

-- CreateIndex
CREATE UNIQUE INDEX "ReceivedMail_mailboxId_messageKey_key" ON "ReceivedMail"("mailboxId", "messageKey");

-- CreateIndex
CREATE INDEX "ReceivedAttachment_receivedMailId_idx" ON "ReceivedAttachment"("receivedMailId");

-- AddForeignKey
ALTER TABLE "ReceivedMail" ADD CONSTRAINT "ReceivedMail_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReceivedMail" ADD CONSTRAINT "ReceivedMail_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "MailboxAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReceivedMail" ADD CONSTRAINT "ReceivedMail_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReceivedAttachment" ADD CONSTRAINT "ReceivedAttachment_receivedMailId_fkey" FOREIGN KEY ("receivedMailId") REFERENCES "ReceivedMail"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReceivedAttachment" ADD CONSTRAINT "ReceivedAttachment_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;
