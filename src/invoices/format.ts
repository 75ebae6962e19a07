/** How invoices read in mails: "MAILLY Josiane", "septembre 2024", "1 234,56 €". */
export function personName(m: { firstName: string; lastName: string }): string {
  return `${m.lastName.toLocaleUpperCase('fr-FR')} ${m.firstName}`;
}

export function periodInWords(period: string, locale = 'fr'): string {
  const [y, mo] = period.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, mo! - 1, 1)));
}

export function formatAmount(cents: number, currency = 'EUR', locale = 'fr'): string {
  // Intl uses narrow no-break spaces in French; mail clients render them, but plain spaces read better in subjects.
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100).replace(/[\u202f\u00a0]/g, ' ');
}

export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
