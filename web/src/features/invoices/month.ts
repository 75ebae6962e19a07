/** "2024-09" → "septembre 2024" in the organisation's language (mid-month in UTC: no time zone can move it). */
export const monthName = (locale: string, period: string) => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${period}-15T12:00:00Z`));
