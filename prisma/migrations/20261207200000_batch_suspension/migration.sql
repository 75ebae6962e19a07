-- A suspended organisation stops sending: its running invoice batches are paused, and marked
-- so that unsuspending resumes those (and not the ones staff had paused themselves).
ALTER TABLE "InvoiceBatch" ADD COLUMN "pausedBySuspension" BOOLEAN NOT NULL DEFAULT false;
