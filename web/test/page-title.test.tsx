import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import i18n from '../src/i18n';
import { ReceivedMailPage } from '../src/features/received/ReceivedMailPage';
import { BatchPage } from '../src/features/invoices/BatchPage';
import { json, onApi } from './api';
import { renderConsole, SESSION } from './render';

const ID = '0193a7e2-4c1d-7000-8000-000000000002';
const notFound = () => json(404, { type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND' });

describe('a record that is not there (a stale link)', () => {
  afterEach(() => void i18n.changeLanguage('en'));

  it('says so under a heading, with the way back, and titles the tab in the user’s language', async () => {
    onApi(`GET /api/v1/received-mails/${ID}`, notFound);
    renderConsole(<ReceivedMailPage />, { path: `/received/${ID}`, route: '/received/:id', session: { ...SESSION, user: { ...SESSION.user, language: 'fr' } } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Courrier reçu' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Introuvable');
    expect(screen.getByRole('link', { name: /Retour/ }).getAttribute('href')).toBe('/received');
    await waitFor(() => expect(document.title).toBe('Courrier reçu · Mailroom'));
    expect(document.documentElement.lang).toBe('fr');
  });

  it('does not poll a batch that is not there (each poll blanked the page back to its spinner)', async () => {
    let asked = 0;
    onApi(`GET /api/v1/invoice-batches/${ID}`, () => {
      asked += 1;
      return notFound();
    });
    renderConsole(<BatchPage />, { path: `/invoices/batches/${ID}`, route: '/invoices/batches/:id' });
    await screen.findByRole('heading', { level: 1 });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(screen.getByRole('heading', { level: 1 })).toBeTruthy();
    expect(asked).toBe(1);
  });
});
