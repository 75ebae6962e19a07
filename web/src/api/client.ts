import createFetchClient, { type Middleware } from 'openapi-fetch';
import createClient from 'openapi-react-query';
import type { paths } from './schema';

/** The session's CSRF token, sent on every cookie-authenticated write (AUTH-CONTRACT). */
let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

const unauthorizedListeners = new Set<() => void>();
/** Called when the API answers 401 outside the sign-in routes: the session ended. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function withCsrf(method: string, headers: Headers): void {
  if (csrfToken && method !== 'GET' && method !== 'HEAD') headers.set('X-CSRF-Token', csrfToken);
}

export function noticeResponse(url: string, status: number): void {
  if (status === 401 && !new URL(url, window.location.origin).pathname.startsWith('/api/v1/auth/')) unauthorizedListeners.forEach((l) => l());
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    withCsrf(request.method, request.headers);
    return request;
  },
  onResponse({ request, response }) {
    noticeResponse(request.url, response.status);
    return response;
  },
};

/** Typed from the OpenAPI document (`npm run web:types`); the only way the console talks to the API. */
export const fetchClient = createFetchClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
fetchClient.use(sessionMiddleware);

/** TanStack Query hooks over the same client: `$api.useQuery('get', '/api/v1/…', { params })`. */
export const $api = createClient(fetchClient);
