import { hashPassword } from '../../src/auth/passwords';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/shared/auth';
import type { ApiResponse } from '../helpers/http';

/** Test cost of scrypt (the smallest the configuration accepts), also set in the tests' env. */
export const TEST_SCRYPT_N = '16384';

/**
 * What a browser does with the console's session: keeps the cookie it was given
 * (and sends it back), and — like the console — sends the CSRF token on writes
 * unless told not to. `setCookie` keeps the last Set-Cookie header for assertions.
 */
export function browser(baseUrl: string, opts: { forwardedFor?: string } = {}) {
  let cookie: string | undefined;
  let csrf: string | undefined;
  const state = { setCookie: undefined as string | undefined };
  async function call<T = any>(method: string, path: string, body?: unknown, o: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (cookie) headers.Cookie = `${SESSION_COOKIE}=${cookie}`;
    if (opts.forwardedFor) headers['X-Forwarded-For'] = opts.forwardedFor;
    if (method !== 'GET' && csrf && o.csrf !== false) headers[CSRF_HEADER] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) {
      state.setCookie = set;
      const value = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(set)?.[1];
      cookie = value || undefined;
    }
    const text = await res.text();
    const parsed = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
    if (parsed && typeof parsed === 'object' && typeof parsed.csrfToken === 'string') csrf = parsed.csrfToken;
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  return {
    state,
    get cookie() {
      return cookie;
    },
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body: unknown = {}, o?: { csrf?: boolean; headers?: Record<string, string> }) => call<T>('POST', path, body, o),
    put: <T = any>(path: string, body: unknown = {}, o?: { csrf?: boolean }) => call<T>('PUT', path, body, o),
    patch: <T = any>(path: string, body: unknown = {}, o?: { csrf?: boolean }) => call<T>('PATCH', path, body, o),
    delete: <T = any>(path: string, o?: { csrf?: boolean }) => call<T>('DELETE', path, undefined, o),
    login: (email: string, password: string) => call('POST', '/api/v1/auth/login', { email, password }),
  };
}

export type Browser = ReturnType<typeof browser>;

/** A user who has already set a password (what an accepted invitation leaves behind). */
export async function addUser(prisma: PrismaClient, organizationId: string, u: { email: string; password: string; role?: 'admin' | 'staff'; name?: string }) {
  return prisma.user.create({
    data: { organizationId, email: u.email, role: u.role ?? 'staff', name: u.name ?? null, passwordHash: await hashPassword(u.password, Number(TEST_SCRYPT_N)) },
  });
}
