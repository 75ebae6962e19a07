import dayjs from 'dayjs';

/** A day picked in the browser (YYYY-MM-DD or Date) as the instant it starts, for the API's ISO 8601 filters. */
export const startOfDay = (day: string | Date | null | undefined) => (day ? dayjs(day).startOf('day').toISOString() : undefined);
/** The instant the day after ends… i.e. the start of the next day: `to` filters are exclusive. */
export const endOfDay = (day: string | Date | null | undefined) => (day ? dayjs(day).add(1, 'day').startOf('day').toISOString() : undefined);
