import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type DKIM from 'nodemailer/lib/dkim';

/** DKIM (RFC 6376): key generation, the DNS record to publish, and signing a built message. */
export function generateDkimKey(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function publicKeyFromPrivate(privateKeyPem: string): string {
  return crypto.createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

/** The TXT record: name `<selector>._domainkey.<domain>`, value `v=DKIM1; k=rsa; p=<base64 SPKI>`. */
export function dkimDnsRecord(domain: string, selector: string, privateKeyPem: string): { name: string; type: 'TXT'; value: string } {
  const spki = publicKeyFromPrivate(privateKeyPem).replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return { name: `${selector}._domainkey.${domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${spki}` };
}

export function checkPrivateKey(pem: string): void {
  const key = crypto.createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('the DKIM key must be an RSA key');
}

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** nodemailer's DKIM signer options: the headers signed (RFC 6376 §5.4). */
export function dkimOptions(key: DkimKey) {
  return { ...key, headerFieldNames: 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:In-Reply-To:References' };
}

/** Prepends a DKIM-Signature header to a finished message stream. */
export function signMessage(message: Readable, key: DkimKey): Readable {
  // Loaded with the first message signed, not at start (memory at rest, issue #16).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Signer = require('nodemailer/lib/dkim') as typeof DKIM;
  return new Signer(dkimOptions(key)).sign(message) as Readable;
}
