-- Where a sent message's bytes are kept, when not under the fixed name `sent/<id>.eml`: since
-- December 2026 a message built whole in memory is appended to a pack file (src/storage-packs.ts)
-- instead of a file of its own (a new file cost this kind of VM 0.15-1.0 ms of kernel CPU a
-- message). Null: the fixed name (earlier messages, large and sealed ones). Adding a nullable
-- column without a default rewrites nothing.
ALTER TABLE "SentEmail" ADD COLUMN "messageKey" TEXT;
