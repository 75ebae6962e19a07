-- Failures the engine records as English text also get a stable code and its values, so the
-- console words them in the reader's language (the English text stays for operators and
-- integrators): a sent message's last error and each attempt's, an invoice item's error, the bounce
-- mailbox's last error.
ALTER TABLE "SentEmail" ADD COLUMN "lastErrorCode" TEXT;
ALTER TABLE "SentEmail" ADD COLUMN "lastErrorParams" JSONB;
ALTER TABLE "SendAttempt" ADD COLUMN "errorCode" TEXT;
ALTER TABLE "SendAttempt" ADD COLUMN "errorParams" JSONB;
ALTER TABLE "InvoiceBatchItem" ADD COLUMN "errorCode" TEXT;
ALTER TABLE "InvoiceBatchItem" ADD COLUMN "errorParams" JSONB;
ALTER TABLE "DeliveryMailbox" ADD COLUMN "lastErrorCode" TEXT;
ALTER TABLE "DeliveryMailbox" ADD COLUMN "lastErrorParams" JSONB;
