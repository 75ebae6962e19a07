-- Bookings are read a page at a time, from index ranges. Bookings running at an instant
-- (started before, ending after) are a few rows the GiST index finds in a fraction of a
-- millisecond, but the planner, taking the two ranges as independent, expects tens of
-- thousands and started parallel workers for them: ~20 ms to start for rows read in 0.2 ms.
-- No query of this table gains from parallel workers.
ALTER TABLE "Booking" SET (parallel_workers = 0);
