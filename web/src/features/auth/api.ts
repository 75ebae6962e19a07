import { noticeResponse, withCsrf } from '../../api/client';
import { ProblemError, type Problem } from '../../api/problem';

/** AUTH-CONTRACT's SessionInfo. */
export interface SessionInfo {
  user: { id: string; email: string; name: string | null; role: 'admin' | 'staff'; language: 'fr' | 'en' | null };
  organization: { id: string; name: string; language: string; timeZone: string };
  csrfToken: string;
}

/**
 * The sign-in routes (AUTH-CONTRACT). Same CSRF header and 401 notice as the typed client;
 * TODO(web): switch to `fetchClient` once the auth branch's routes are in schema.d.ts.
 */
async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown): Promise<T> {
  const headers = new Headers(body === undefined ? {} : { 'Content-Type': 'application/json' });
  withCsrf(method, headers);
  const url = `/api/v1${path}`;
  const res = await fetch(url, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  noticeResponse(url, res.status);
  const text = res.status === 204 ? '' : await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { status: res.status, detail: text };
  }
  if (!res.ok) throw new ProblemError({ status: res.status, ...(json as Problem | undefined) });
  return json as T;
}

export const authApi = {
  session: () => call<SessionInfo>('GET', '/auth/session'),
  login: (email: string, password: string) => call<SessionInfo>('POST', '/auth/login', { email, password }),
  logout: () => call<void>('POST', '/auth/logout'),
  updateMe: (patch: { name?: string; language?: 'fr' | 'en' }) => call<SessionInfo>('PATCH', '/auth/me', patch),
  changePassword: (currentPassword: string, newPassword: string) => call<void>('PUT', '/auth/password', { currentPassword, newPassword }),
  requestReset: (email: string) => call<void>('POST', '/auth/password-reset', { email }),
  confirmReset: (token: string, password: string) => call<void>('POST', '/auth/password-reset/confirm', { token, password }),
  invitation: (token: string) => call<{ email: string | null; role: 'admin' | 'staff'; organizationName: string }>('GET', `/auth/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token: string, body: { password: string; name?: string; email?: string }) =>
    call<SessionInfo>('POST', `/auth/invitations/${encodeURIComponent(token)}/accept`, body),
};
