-- A booking records the `booking-notices:<id>` workflow that will confirm it before that workflow
-- is started, and when its own workflow was started: a booking saved by a creation that died
-- before the start is found by the sweep (src/notifications/booking-sweep.ts) and started then.
ALTER TABLE "Booking" ADD COLUMN "noticesWorkflowId" TEXT;
ALTER TABLE "Booking" ADD COLUMN "workflowStartedAt" TIMESTAMP(3);
-- Bookings made before: their creation started their workflows (or is long gone); none is swept.
UPDATE "Booking" SET "workflowStartedAt" = "createdAt";
CREATE INDEX "Booking_workflowStartedAt_createdAt_idx" ON "Booking"("workflowStartedAt", "createdAt");
