/**
 * Midnight UTC of a calendar day, as milliseconds. Date.UTC reads years 0–99
 * as 1900–1999 (ECMA-262 MakeFullYear), and the API admits every year from 1
 * to 9999: setUTCFullYear takes the year as given.
 */
export function utcDay(year: number, monthIndex: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}
