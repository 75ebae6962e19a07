import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { SessionInfo } from '../src/features/auth/api';
import { SessionProvider } from '../src/session';
import { json, onApi } from './api';

export const SESSION: SessionInfo = {
  user: { id: 'u1', email: 'secretariat@club.example', name: 'Sophie', role: 'admin', language: 'en' },
  organization: { id: 'o1', name: 'Aéroclub du Val', timeZone: 'Europe/Paris', language: 'fr' },
  csrfToken: 'csrf-token',
};

/**
 * Renders `ui` as the console would: Mantine, a fresh query cache, the router at `path`
 * (matched against `route` so params such as `:token` work), and the session the API gives
 * (`null`: signed out).
 */
export function renderConsole(ui: ReactNode, opts: { session?: SessionInfo | null; path?: string; route?: string } = {}) {
  const session = opts.session === undefined ? SESSION : opts.session;
  onApi('GET /api/v1/auth/session', () => (session ? json(200, session) : json(401, { title: 'Unauthorized', status: 401 })));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[opts.path ?? '/']}>
          <SessionProvider fallback={<p>loading session</p>}>
            <Routes>
              <Route path={opts.route ?? '*'} element={ui} />
            </Routes>
          </SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
