import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ReceivedMailPage } from '../src/features/received/ReceivedMailPage';
import { json, onApi } from './api';
import { renderConsole, SESSION } from './render';

const ID = '0193a7e2-4c1d-7000-8000-000000000001';
const mail = (over: Record<string, unknown>) => ({
  id: ID, category: 'unassigned', reason: 'unknown sender', reasonCode: 'UNKNOWN_SENDER', reasonParams: null, from: 'catalogue@shop.example', fromName: 'Shop',
  to: ['documents@club.example'], subject: 'Catalogue complet', date: '2026-12-01T09:00:00.000Z', receivedAt: '2026-12-01T09:00:05.000Z', memberId: null, candidates: [],
  attachments: 0, size: 4_400_000, cc: [], replyTo: null, messageId: '<huge@shop.example>', text: 'Notre catalogue d’hiver', html: null, blockedImages: 0, htmlTooLarge: false,
  attachmentList: [], rawUrl: `/api/v1/received-mails/${ID}/raw`, assignedAt: null, ...over,
});
const open = (over: Record<string, unknown>, language: 'en' | 'fr' = 'en') => {
  onApi(`GET /api/v1/received-mails/${ID}`, () => json(200, mail(over)));
  renderConsole(<ReceivedMailPage />, { path: `/received/${ID}`, route: '/received/:id', session: { ...SESSION, user: { ...SESSION.user, language } } });
};

describe('a received mail whose HTML is too large to show', () => {
  it('says so, shows the text and offers the original', async () => {
    open({ htmlTooLarge: true });
    const alert = await screen.findByText('The HTML version is too large to show');
    expect(alert).toBeTruthy();
    expect(screen.getByText('Notre catalogue d’hiver')).toBeTruthy();
    expect(screen.queryByTitle(/Mail content/)).toBeNull(); // no frame for the HTML
    const links = screen.getAllByRole('link', { name: 'Download (.eml)' });
    expect(links.every((a) => a.getAttribute('href') === `/api/v1/received-mails/${ID}/raw`)).toBe(true);
  });

  it('says it in French too', async () => {
    open({ htmlTooLarge: true }, 'fr');
    expect(await screen.findByText('La version HTML est trop volumineuse pour être affichée')).toBeTruthy();
  });

  it('says nothing of the kind for a mail without HTML', async () => {
    open({});
    await screen.findByText('Notre catalogue d’hiver');
    expect(screen.queryByText('The HTML version is too large to show')).toBeNull();
  });
});
