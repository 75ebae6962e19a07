-- A resource's bookings running at an instant (started before it, ending after it): the
-- upcoming list of one aircraft, and the overlap check of a new booking (same resource,
-- confirmed, starting before its end and ending after its start). The organisation's
-- GiST index finds the organisation's running bookings, but for one resource the planner
-- read the resource's past bookings by start (1,870 rows for none, 14 ms).
CREATE INDEX "Booking_resourceId_status_startAt_endAt_idx" ON "Booking" USING GIST ("resourceId", "status", "startAt", "endAt");
