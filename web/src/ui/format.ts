import { useMemo } from 'react';
import { useOptionalSession } from '../session';

type When = string | number | Date | null | undefined;

/** Dates, times, numbers, amounts and sizes in a locale and time zone (pure; see useFormat). */
export function makeFormat(locale: string, timeZone?: string) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const number = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone });
  const dayMonth = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone });
  const year = new Intl.DateTimeFormat(locale, { year: 'numeric', timeZone });
  const toDate = (v: string | number | Date) => (v instanceof Date ? v : new Date(v));
  return {
    locale,
    timeZone,
    dateTime: (v: When) => (v == null ? '' : dateTime.format(toDate(v))),
    date: (v: When) => (v == null ? '' : date.format(toDate(v))),
    /** As short as a narrow column allows: the time today, the day and month this year, else the short date. */
    shortDate: (v: When, now: Date = new Date()) => {
      if (v == null) return '';
      const d = toDate(v);
      if (day.format(d) === day.format(now)) return time.format(d);
      return year.format(d) === year.format(now) ? dayMonth.format(d) : day.format(d);
    },
    number: (v: number | null | undefined) => (v == null ? '' : number.format(v)),
    /** A count in a summary; `orMore` when the API only knows a lower bound ("1 000+" in French, "1,000+" in English). */
    count: (v: number, orMore = false) => `${number.format(v)}${orMore ? '+' : ''}`,
    amount: (v: number | string | null | undefined, currency = 'EUR') => (v == null || v === '' ? '' : new Intl.NumberFormat(locale, { style: 'currency', currency }).format(Number(v))),
    bytes: (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${number.format(Math.round(n / 102.4) / 10)} KB` : `${number.format(Math.round(n / 104857.6) / 10)} MB`),
  };
}

/** Dates, times and amounts in the organisation's locale and time zone (from the session). */
export function useFormat() {
  const session = useOptionalSession();
  const locale = session?.organization.language ?? navigator.language;
  const timeZone = session?.organization.timeZone;
  return useMemo(() => makeFormat(locale, timeZone), [locale, timeZone]);
}
