/** Names of staff sign-in shared by the API, the console and the tests. */
export const SESSION_COOKIE = 'mailroom_session';
/** Header carrying the session's synchronizer token on cookie-authenticated writes. */
export const CSRF_HEADER = 'x-csrf-token';
export const USER_ROLES = ['admin', 'staff'] as const;
export type UserRoleName = (typeof USER_ROLES)[number];
export const USER_LANGUAGES = ['fr', 'en'] as const;
export const PASSWORD_MIN_LENGTH = 10;
/** Console pages the links in mails and on the first start open. */
export const consolePaths = {
  invitation: (token: string) => `/invite/${token}`,
  passwordReset: (token: string) => `/reset-password/${token}`,
} as const;
