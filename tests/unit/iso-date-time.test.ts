import fc from 'fast-check';
import { isoDateTime } from '../../src/api/zod';

const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

// Every spelling the pattern admits is read as the instant it writes: "0050-01-01 10:00" was read
// by V8's legacy parser as 1950, "0013-01-01 10:00" as no date (refused as out of range).
describe('isoDateTime', () => {
  it('reads every admitted spelling of every instant of years 1–9999 as that instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FIRST, max: LAST }),
        fc.constantFrom('T', ' '),
        fc.constantFrom('Z', 'z', 'colon', 'bare'),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (ms, sep, zone, offsetMinutes) => {
          const offset = zone === 'Z' || zone === 'z' ? 0 : offsetMinutes;
          const local = new Date(ms + offset * 60_000);
          if (local.getUTCFullYear() < 1 || local.getUTCFullYear() > 9999) return;
          const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
          const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}`;
          const sign = offset < 0 ? '-' : '+';
          const suffix = zone === 'Z' || zone === 'z' ? zone : `${sign}${pad(Math.trunc(offset / 60))}${zone === 'colon' ? ':' : ''}${pad(offset % 60)}`;
          const parsed = isoDateTime().safeParse(`${date}${sep}${time}${suffix}`);
          expect(parsed.success && parsed.data.getTime()).toBe(ms);
        },
      ),
      { numRuns: 2000, examples: [[Date.parse('0050-01-01T10:00:00Z'), ' ', 'z', 0], [Date.parse('0013-01-01T10:00:00Z'), ' ', 'Z', 0]] },
    );
  });

  it('refuses instants outside years 1–9999 once the offset is applied, and days that do not exist', () => {
    expect(isoDateTime().safeParse('0001-01-01T00:00:00+01:00').success).toBe(false);
    expect(isoDateTime().safeParse('9999-12-31 23:59:59-0100').success).toBe(false);
    expect(isoDateTime().safeParse('2026-02-30').success).toBe(false);
  });
});
