import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface TestCertificate {
  /** PEM private key (RSA 2048, unencrypted). */
  key: string;
  /** PEM self-signed certificate for CN=localhost, SAN DNS:localhost and IP:127.0.0.1. */
  cert: string;
}

let cached: Promise<TestCertificate> | undefined;

/**
 * A self-signed certificate for localhost / 127.0.0.1, made once per test process
 * with the openssl CLI (nothing to commit, never expires in a checkout). Clients
 * must opt out of verification (`rejectUnauthorized: false`) or trust `cert`.
 */
export function getTestCertificate(): Promise<TestCertificate> {
  cached ??= generate().catch((err: unknown) => {
    cached = undefined; // let a later call try again rather than replay the failure
    throw err;
  });
  return cached;
}

async function generate(): Promise<TestCertificate> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const request = 'req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=localhost'.split(' ');
    const san = ['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
    await promisify(execFile)('openssl', [...request, ...san, '-keyout', key, '-out', cert]);
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
