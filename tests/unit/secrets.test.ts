import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSecretBox, parseKey, resolveSecretKey } from '../../src/secrets';

describe('secrets at rest (AES-256-GCM)', () => {
  const box = createSecretBox(crypto.randomBytes(32));

  it('round-trips a password and never stores it in clear', () => {
    const stored = box.encrypt('mot de passe très secret');
    expect(stored).not.toContain('secret');
    expect(stored.startsWith('v1.')).toBe(true);
    expect(box.decrypt(stored)).toBe('mot de passe très secret');
  });

  it('uses a fresh IV each time, so equal passwords do not look equal', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses tampered ciphertext and the wrong key', () => {
    const stored = box.encrypt('hunter2');
    const parts = stored.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0] = data[0]! ^ 1;
    expect(() => box.decrypt([...parts.slice(0, 3), data.toString('base64url')].join('.'))).toThrow();
    expect(() => createSecretBox(crypto.randomBytes(32)).decrypt(stored)).toThrow();
  });

  it('accepts base64 and hex keys and rejects keys of the wrong size', () => {
    const key = crypto.randomBytes(32);
    expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(() => parseKey(crypto.randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('generates a key once in embedded mode (mode 600) and reuses it; requires one otherwise', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'));
    const first = resolveSecretKey({ dataDir: dir, allowGenerate: true });
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey({ dataDir: dir, allowGenerate: true }).equals(first)).toBe(true);
    expect(() => resolveSecretKey({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'secret-')), allowGenerate: false })).toThrow(/MAILROOM_SECRET_KEY/);
  });
});

describe('OAuth state', () => {
  const { signState, verifyState } = require('../../src/outgoing/oauth') as typeof import('../../src/outgoing/oauth');
  const key = createSecretBox(crypto.randomBytes(32)).deriveKey('oauth-state');

  it('round-trips, and refuses a forged, foreign or expired state', () => {
    const state = signState(key, { organizationId: 'org-1', provider: 'gmail', structureId: null, fromName: null });
    expect(verifyState(key, state)).toMatchObject({ organizationId: 'org-1', provider: 'gmail' });
    const [body] = state.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), organizationId: 'org-2' })).toString('base64url');
    expect(() => verifyState(key, `${forged}.${state.split('.')[1]}`)).toThrow(/invalid/);
    expect(() => verifyState(createSecretBox(crypto.randomBytes(32)).deriveKey('oauth-state'), state)).toThrow(/invalid/);
    expect(() => verifyState(key, signState(key, { organizationId: 'o', provider: 'gmail', structureId: null, fromName: null }, -1))).toThrow(/expired/);
  });
});
