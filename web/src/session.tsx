import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { onUnauthorized, setCsrfToken } from './api/client';
import { ProblemError } from './api/problem';
import { authApi, type SessionInfo } from './features/auth/api';
import i18n from './i18n';

export const SESSION_KEY = ['session'] as const;

interface SessionState {
  session: SessionInfo | null;
  /** Replace the session after sign-in, a profile change or sign-out. */
  setSession(session: SessionInfo | null): void;
}

const SessionContext = createContext<SessionState | null>(null);

async function loadSession(): Promise<SessionInfo | null> {
  try {
    return await authApi.session();
  } catch (err) {
    if (err instanceof ProblemError && err.problem.status === 401) return null;
    throw err;
  }
}

export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: Infinity, retry: 1 });
  const session = query.data ?? null;

  useEffect(() => onUnauthorized(() => queryClient.setQueryData(SESSION_KEY, null)), [queryClient]);
  useEffect(() => {
    setCsrfToken(session?.csrfToken ?? null);
    // The user's stored language wins over the browser's.
    if (session?.user.language && session.user.language !== i18n.resolvedLanguage) void i18n.changeLanguage(session.user.language);
  }, [session]);

  if (query.isPending) return <>{fallback}</>;
  const setSession = (next: SessionInfo | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    queryClient.setQueryData(SESSION_KEY, next);
    // Nothing of the previous user stays in memory (the session query itself must stay: its observer holds it).
    if (!next) queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  };
  return <SessionContext.Provider value={{ session, setSession }}>{children}</SessionContext.Provider>;
}

/** The session when inside SessionProvider, else null (components also rendered on their own, such as the paged table). */
export function useOptionalSession(): SessionInfo | null {
  return useContext(SessionContext)?.session ?? null;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session; only inside the signed-in part of the route table. */
export function useSession(): SessionInfo {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}

export const useIsAdmin = () => useSession().user.role === 'admin';
