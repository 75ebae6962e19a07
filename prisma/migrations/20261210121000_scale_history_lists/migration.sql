-- The invoice batch history and a mailbox's skipped duplicates keyset-paged too: indexes
-- holding each list's order, (scope[, filter], time, id).
DROP INDEX "InvoiceBatch_organizationId_createdAt_idx";
CREATE INDEX "InvoiceBatch_organizationId_createdAt_id_idx" ON "InvoiceBatch"("organizationId", "createdAt", "id");
CREATE INDEX "InvoiceBatch_organizationId_structureId_createdAt_id_idx" ON "InvoiceBatch"("organizationId", "structureId", "createdAt", "id");
CREATE INDEX "InvoiceBatch_organizationId_period_createdAt_id_idx" ON "InvoiceBatch"("organizationId", "period", "createdAt", "id");

CREATE INDEX "ReceivedDuplicate_mailboxId_seenAt_id_idx" ON "ReceivedDuplicate"("mailboxId", "seenAt", "id");
