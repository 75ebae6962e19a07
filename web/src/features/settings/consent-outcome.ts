import type { Problem } from '../../api/problem';

/**
 * How a provider's consent went, from the query the API's callback put on the settings page
 * (`?oauth=gmail&connected=1`, or `?oauth=gmail&error=<code>&detail=<detailCode>&params=<JSON>`):
 * null when the page was not reached that way. The problem is worded like any other (ui/problems).
 */
export function consentOutcome(search: URLSearchParams): { problem: Problem | null } | null {
  if (!search.get('oauth')) return null;
  const code = search.get('error');
  if (!code) return { problem: null };
  return { problem: { status: 400, code, detailCode: search.get('detail') ?? undefined, params: valuesOf(search.get('params')) } };
}

/** Only texts and numbers: the query is whatever the address bar holds. */
function valuesOf(json: string | null): Record<string, string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? '{}');
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'));
}
