import { fetchClient } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';

/** AUTH-CONTRACT's SessionInfo, as the API documents it. */
export type SessionInfo = components['schemas']['SessionInfo'];

const token = (t: string) => ({ params: { path: { token: t } } });

export const authApi = {
  session: async () => unwrap(await fetchClient.GET('/api/v1/auth/session')),
  login: async (email: string, password: string) => unwrap(await fetchClient.POST('/api/v1/auth/login', { body: { email, password } })),
  logout: async () => unwrap(await fetchClient.POST('/api/v1/auth/logout')),
  updateMe: async (patch: { name?: string; language?: 'fr' | 'en' }) => unwrap(await fetchClient.PATCH('/api/v1/auth/me', { body: patch })),
  changePassword: async (currentPassword: string, newPassword: string) => unwrap(await fetchClient.PUT('/api/v1/auth/password', { body: { currentPassword, newPassword } })),
  requestReset: async (email: string) => unwrap(await fetchClient.POST('/api/v1/auth/password-reset', { body: { email } })),
  confirmReset: async (t: string, password: string) => unwrap(await fetchClient.POST('/api/v1/auth/password-reset/confirm', { body: { token: t, password } })),
  invitation: async (t: string) => unwrap(await fetchClient.GET('/api/v1/auth/invitations/{token}', token(t))),
  acceptInvitation: async (t: string, body: { password: string; name?: string; email?: string }) => unwrap(await fetchClient.POST('/api/v1/auth/invitations/{token}/accept', { ...token(t), body })),
};
