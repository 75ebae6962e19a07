import fc from 'fast-check';
import { periodInWords } from '../../src/invoices/format';
import { daysUntil } from '../../src/notifications/validities';

// The API admits years 1–9999; Date.UTC read years 0–99 as 1900–1999, so an invoice period of
// year 50 was worded "mars 1950" and a validity of year 13 counted 1900 years of days.
describe('calendar days of every admitted year', () => {
  it('words an invoice period with its own year', () => {
    expect(periodInWords('0050-03', 'fr')).toMatch(/^mars 50$/);
    expect(periodInWords('2026-09', 'en')).toBe('September 2026');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const words = periodInWords(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`, 'en');
        expect(words.endsWith(` ${year}`)).toBe(true);
      }),
    );
  });

  it('counts the days to an expiry in any year as the calendar does', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 400 }), (now, ahead) => {
        const start = new Date(now);
        start.setUTCHours(12, 0, 0, 0);
        const expiry = new Date(start.getTime() + ahead * 86_400_000);
        if (expiry.getUTCFullYear() > 9999) return;
        expect(daysUntil(expiry, start, 'UTC')).toBe(ahead);
      }),
    );
    expect(daysUntil(new Date('0013-01-10T08:00:00Z'), new Date('0013-01-01T20:00:00Z'), 'Europe/Brussels')).toBe(9);
    // Across the end of year 99: the two ends were 1,900 years apart.
    expect(daysUntil(new Date('0100-01-05T10:00:00Z'), new Date('0099-12-31T10:00:00Z'), 'UTC')).toBe(5);
  });
});
