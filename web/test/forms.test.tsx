import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiKeysSettings } from '../src/features/api-keys/ApiKeysSettings';
import { ForgotPassword } from '../src/features/auth/ForgotPassword';
import { ResetPassword } from '../src/features/auth/ResetPassword';
import { SignIn } from '../src/features/auth/SignIn';
import { invalid, json, onApi, requests } from './api';
import { renderConsole } from './render';

const posts = (path: string) => requests.filter((r) => r.method === 'POST' && r.path === path);

describe('forgotten password', () => {
  it('puts the API’s reason under the address field, then says the link is on its way', async () => {
    const user = userEvent.setup();
    let answer = invalid(['body.email', 'Not an email address']);
    onApi('POST /api/v1/auth/password-reset', () => answer);
    renderConsole(<ForgotPassword />, { session: null });

    const email = await screen.findByLabelText(/Email address/);
    await user.type(email, 'jeanne@');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));
    expect(await screen.findByText('Not an email address')).toBeTruthy();
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull(); // the only error had a field: no alert above the form

    answer = json(202, {});
    await user.type(email, 'club.example');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/If an account exists for this address/);
    expect(posts('/api/v1/auth/password-reset').map((r) => r.body)).toEqual([{ email: 'jeanne@' }, { email: 'jeanne@club.example' }]);
    expect(screen.getByRole('link', { name: 'Back to sign in' }).getAttribute('href')).toBe('/');
  });
});

describe('new password from a reset link', () => {
  it('refuses two different passwords without asking the API, then sends the token and the password', async () => {
    const user = userEvent.setup();
    onApi('POST /api/v1/auth/password-reset/confirm', () => json(204, {}));
    renderConsole(<ResetPassword />, { session: null, path: '/reset-password/tok123', route: '/reset-password/:token' });

    await user.type(await screen.findByLabelText(/^New password/), 'un mot de passe solide');
    await user.type(screen.getByLabelText(/^Confirm the password/), 'un autre mot de passe');
    await user.click(screen.getByRole('button', { name: 'Save the password' }));
    expect(await screen.findByText('The two passwords differ.')).toBeTruthy();
    expect(posts('/api/v1/auth/password-reset/confirm')).toEqual([]);

    await user.clear(screen.getByLabelText(/^Confirm the password/));
    await user.type(screen.getByLabelText(/^Confirm the password/), 'un mot de passe solide');
    await user.click(screen.getByRole('button', { name: 'Save the password' }));
    expect((await screen.findByRole('status')).textContent).toBe('Your password is changed. You can sign in.');
    expect(posts('/api/v1/auth/password-reset/confirm').map((r) => r.body)).toEqual([{ token: 'tok123', password: 'un mot de passe solide' }]);
  });

  it('shows a problem that names no field (an expired link) above the form', async () => {
    const user = userEvent.setup();
    onApi('POST /api/v1/auth/password-reset/confirm', () => json(410, { title: 'Link expired', status: 410, detail: 'Ask for a new link.' }));
    renderConsole(<ResetPassword />, { session: null, path: '/reset-password/old', route: '/reset-password/:token' });
    await user.type(await screen.findByLabelText(/^New password/), 'un mot de passe solide');
    await user.type(screen.getByLabelText(/^Confirm the password/), 'un mot de passe solide');
    await user.click(screen.getByRole('button', { name: 'Save the password' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Link expired');
    expect(alert.textContent).toContain('Ask for a new link.');
  });
});

describe('sign-in', () => {
  it('says a refused attempt in the user’s language, whatever the API’s words', async () => {
    const user = userEvent.setup();
    onApi('POST /api/v1/auth/login', () => json(401, { title: 'Unauthorized', status: 401, detail: 'invalid credentials' }));
    renderConsole(<SignIn />, { session: null });
    await user.type(await screen.findByLabelText(/^Email address/), 'sophie@club.example');
    await user.type(screen.getByLabelText(/^Password/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email address or password.');
  });
});

describe('API keys', () => {
  it('creates a key and shows it once, with the CSRF token on the request', async () => {
    const user = userEvent.setup();
    onApi('GET /api/v1/api-keys', () => json(200, { items: [], page: 1, pageSize: 10, total: 0 }));
    onApi('POST /api/v1/api-keys', (req) =>
      req.headers.get('X-CSRF-Token') === 'csrf-token' ? json(201, { id: 'k1', name: 'Booking website', role: 'staff', prefix: 'mr_abcd', key: 'mr_abcd_secret' }) : json(403, { title: 'CSRF', status: 403 }),
    );
    renderConsole(<ApiKeysSettings />);
    expect(await screen.findByText('No keys.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'New key' }));
    const dialog = await screen.findByRole('dialog', { name: 'New key' });
    await user.type(screen.getByLabelText(/^Name/), 'Booking website');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByTestId('new-api-key')).textContent).toBe('mr_abcd_secret');
    expect(dialog.textContent).toContain('It will not be shown again.');
    expect(posts('/api/v1/api-keys').map((r) => r.body)).toEqual([{ name: 'Booking website', role: 'staff' }]);
    // The list is asked again so the new key shows under the dialog.
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/v1/api-keys' && r.method === 'GET').length).toBe(2));

    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
