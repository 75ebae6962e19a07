import { utcDay } from '../shared/utc-day';

/** How invoices read in mails: "MAILLY Josiane", "septembre 2024", "1 234,56 €". */
export function personName(m: { firstName: string; lastName: string }): string {
  return `${m.lastName.toLocaleUpperCase('fr-FR')} ${m.firstName}`;
}

// Building an Intl formatter costs far more than using one: one per locale (and currency), kept.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f as T;
}

export function periodInWords(period: string, locale = 'fr'): string {
  const [y, mo] = period.split('-').map(Number);
  const f = formatter(`period:${locale}`, () => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }));
  return f.format(new Date(utcDay(y!, mo! - 1, 1)));
}

export function formatAmount(cents: number, currency = 'EUR', locale = 'fr'): string {
  const f = formatter(`amount:${locale}:${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency }));
  // Intl uses narrow no-break spaces in French; mail clients render them, but plain spaces read better in subjects.
  return f.format(cents / 100).replace(/[\u202f\u00a0]/g, ' ');
}

export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
