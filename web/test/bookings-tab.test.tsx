import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BookingsTab } from '../src/features/notifications/BookingsTab';
import { json, onApi, requests } from './api';
import { renderConsole } from './render';

const booking = {
  id: '0193a7e2-4c1d-7000-8000-0000000000b1', member: { id: '0193a7e2-4c1d-7000-8000-0000000000a1', name: 'PILOTE Paul' },
  resource: { id: '0193a7e2-4c1d-7000-8000-0000000000c1', name: 'F-GABC' }, start: '2030-06-01T08:00:00.000Z', end: '2030-06-01T10:00:00.000Z',
  status: 'confirmed', sequence: 0, waitlistPosition: null, externalId: null, createdAt: '2026-12-01T09:00:00.000Z',
};

describe('the bookings tab', () => {
  it('asks for the upcoming bookings once, not again at every answer', async () => {
    onApi('GET /api/v1/resources', () => json(200, { items: [booking.resource], page: 1, pageSize: 100, total: 1 }));
    onApi('GET /api/v1/bookings', () => json(200, { items: [booking], page: 1, pageSize: 10, total: 1 }));
    renderConsole(<BookingsTab />);
    expect(await screen.findByText('PILOTE Paul')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));
    const asked = requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/bookings');
    expect(asked.length).toBeLessThanOrEqual(2);
  });
});
