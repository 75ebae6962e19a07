-- Invoices, bookings, maintenance and validities at a million rows (issue #16 continued):
-- indexes holding each list's order, (organisation[, filter], sort keys, id), so that the
-- first page, a filtered page and a keyset page at any depth each read one index range.

-- Invoices: newest period first, numbers ascending within it. The period is stored
-- descending so one forward scan gives the list's order.
CREATE INDEX "Invoice_organizationId_period_number_id_idx" ON "Invoice"("organizationId", "period" DESC, "number", "id");
CREATE INDEX "Invoice_organizationId_structureId_period_number_id_idx" ON "Invoice"("organizationId", "structureId", "period" DESC, "number", "id");
CREATE INDEX "Invoice_organizationId_memberId_period_number_id_idx" ON "Invoice"("organizationId", "memberId", "period" DESC, "number", "id");

-- Bookings by start (a status, a member, a resource), the waiting list by request time.
DROP INDEX "Booking_resourceId_startAt_idx";
CREATE INDEX "Booking_resourceId_startAt_id_idx" ON "Booking"("resourceId", "startAt", "id");
CREATE INDEX "Booking_resourceId_status_startAt_id_idx" ON "Booking"("resourceId", "status", "startAt", "id");
CREATE INDEX "Booking_organizationId_startAt_id_idx" ON "Booking"("organizationId", "startAt", "id");
CREATE INDEX "Booking_organizationId_status_startAt_id_idx" ON "Booking"("organizationId", "status", "startAt", "id");
CREATE INDEX "Booking_organizationId_status_createdAt_id_idx" ON "Booking"("organizationId", "status", "createdAt", "id");
CREATE INDEX "Booking_organizationId_memberId_startAt_id_idx" ON "Booking"("organizationId", "memberId", "startAt", "id");

-- Bookings running at an instant (started before it, ending after it): two ranges at once,
-- which a B-tree cannot bound and a GiST index can (btree_gist gives it the scalar types).
-- The operator classes are each type's default for GiST, found wherever the extension lives.
DO $$ BEGIN
  CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$;
CREATE INDEX "Booking_organizationId_status_startAt_endAt_idx" ON "Booking" USING GIST ("organizationId", "status", "startAt", "endAt");

-- Maintenance periods, latest first; validities, soonest to expire first.
DROP INDEX "MaintenancePeriod_resourceId_idx";
CREATE INDEX "MaintenancePeriod_organizationId_startAt_id_idx" ON "MaintenancePeriod"("organizationId", "startAt", "id");
CREATE INDEX "MaintenancePeriod_resourceId_startAt_id_idx" ON "MaintenancePeriod"("resourceId", "startAt", "id");

DROP INDEX "Validity_organizationId_expiresAt_idx";
CREATE INDEX "Validity_organizationId_expiresAt_id_idx" ON "Validity"("organizationId", "expiresAt", "id");
CREATE INDEX "Validity_organizationId_memberId_expiresAt_id_idx" ON "Validity"("organizationId", "memberId", "expiresAt", "id");
