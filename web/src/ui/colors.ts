/**
 * Badge and status colours dark enough for white text at WCAG AA (4.5:1) — axe checks them in
 * the browser tests. `warn` is light: Mantine's autoContrast writes black on it.
 */
export const STATUS_COLORS = { ok: 'teal.9', error: 'red.9', neutral: 'gray.7', info: 'blue.8', warn: 'yellow.4' } as const;
