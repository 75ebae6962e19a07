-- The mailbox's last error as a stable code and its values, so the console explains it in the
-- reader's language (the English sentence in "lastError" stays for operators).
ALTER TABLE "MailboxAccount" ADD COLUMN "lastErrorCode" TEXT;
ALTER TABLE "MailboxAccount" ADD COLUMN "lastErrorParams" JSONB;
