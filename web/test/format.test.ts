import { describe, expect, it } from 'vitest';
import { makeFormat } from '../src/ui/format';

// Intl writes narrow and plain no-break spaces; compare with ordinary ones.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('formatters in the organisation’s locale and time zone', () => {
  const paris = makeFormat('fr', 'Europe/Paris');

  it('shows instants in the organisation’s time zone, daylight saving included', () => {
    expect(paris.dateTime('2025-03-30T00:30:00Z')).toBe('30/03/2025 01:30'); // CET, UTC+1
    expect(paris.dateTime('2025-03-30T01:30:00Z')).toBe('30/03/2025 03:30'); // CEST from 02:00
    expect(plain(paris.date('2025-11-05T12:00:00Z'))).toBe('5 nov. 2025');
  });

  it('puts an instant on the organisation’s calendar day, not the browser’s', () => {
    const newYork = makeFormat('en', 'America/New_York');
    expect(newYork.date('2025-01-01T03:00:00Z')).toBe('Dec 31, 2024');
    expect(makeFormat('en', 'Asia/Tokyo').date('2025-01-01T03:00:00Z')).toBe('Jan 1, 2025');
  });

  it('writes amounts and numbers the French or English way', () => {
    expect(plain(paris.amount(1234.5))).toBe('1 234,50 €');
    expect(plain(paris.amount('89.9'))).toBe('89,90 €');
    expect(makeFormat('en', 'Europe/London').amount(1234.5)).toBe('€1,234.50');
    expect(makeFormat('en', 'Europe/London').amount(20, 'GBP')).toBe('£20.00');
    expect(plain(paris.number(12345))).toBe('12 345');
  });

  it('writes sizes with a decimal comma in French', () => {
    expect(paris.bytes(512)).toBe('512 B');
    expect(paris.bytes(2048)).toBe('2 KB');
    expect(paris.bytes(1.5 * 1024 * 1024)).toBe('1,5 MB');
    expect(makeFormat('en').bytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });

  it('shows nothing for a missing value', () => {
    expect(paris.dateTime(null)).toBe('');
    expect(paris.date(undefined)).toBe('');
    expect(paris.amount(null)).toBe('');
    expect(paris.amount('')).toBe('');
    expect(paris.number(undefined)).toBe('');
  });

  it('writes counts in summaries with the locale’s grouping, and a lower bound with a plus', () => {
    expect(plain(paris.count(1000, true))).toBe('1 000+');
    expect(plain(paris.count(12345))).toBe('12 345');
    expect(makeFormat('en').count(1000, true)).toBe('1,000+');
    expect(makeFormat('en').count(7)).toBe('7');
  });
});
