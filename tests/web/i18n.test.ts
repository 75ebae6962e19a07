import fs from 'node:fs';
import path from 'node:path';
import { VERIFY_CODES } from '../../src/outgoing/verify';
import { RECEIVED_REASON_CODES } from '../../src/reception/reasons';
import { MAILBOX_ERROR_CODES, MAILBOX_VERIFY_CODES } from '../../src/reception/verify-mailbox';
import { ADDRESS_REASON_CODES, REASON_KEYS } from '../../src/delivery/reasons';
import { templateRegistry } from '../../src/templates/registry';

const web = path.resolve(__dirname, '../../web/src');
const LANGUAGES = ['fr', 'en'] as const;
type Tree = { [key: string]: string | Tree };

const read = (folder: string, lng: string): Tree => JSON.parse(fs.readFileSync(path.join(web, folder, 'i18n', `${lng}.json`), 'utf8'));
const lookup = (tree: Tree, key: string): unknown => key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), tree);
/** Every key, plural forms (`_one`, `_other`…) counted as their base key. */
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`.replace(/_(zero|one|two|few|many|other)$/, '')] : keys(v, `${prefix}${k}.`)));
}

describe('console translations', () => {
  const folders = fs
    .readdirSync(web, { recursive: true, withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name === 'i18n')
    .map((d) => path.relative(web, path.dirname(path.join(d.parentPath, d.name))));

  it('has the same keys in French and English in every feature', () => {
    expect(folders.length).toBeGreaterThan(5);
    for (const folder of folders) {
      const [fr, en] = LANGUAGES.map((lng) => [...new Set(keys(read(folder, lng)))].sort());
      expect({ folder, keys: fr }).toEqual({ folder, keys: en });
    }
  });

  it('words every code the API gives for a connection test or an unassigned mail, in both languages', () => {
    for (const lng of LANGUAGES) {
      const settings = read('features/settings', lng);
      const received = read('features/received', lng);
      for (const code of VERIFY_CODES) expect({ lng, code, message: Boolean(lookup(settings, `verify.smtp.${code}.message`)) }).toEqual({ lng, code, message: true });
      for (const code of MAILBOX_VERIFY_CODES) {
        const node = lookup(settings, `verify.imap.${code}`) as Tree | undefined;
        expect({ lng, code, message: Boolean(node && Object.keys(node).some((k) => k.startsWith('message'))) }).toEqual({ lng, code, message: true });
      }
      for (const code of RECEIVED_REASON_CODES) expect({ lng, code, reason: typeof lookup(received, `reason.${code}`) }).toEqual({ lng, code, reason: 'string' });
    }
  });

  it('words every mailbox error, delivery reason, flagged-address reason and template the API names, in both languages', () => {
    for (const lng of LANGUAGES) {
      const received = read('features/received', lng);
      const settings = read('features/settings', lng);
      const reasons = read('ui/reasons', lng);
      for (const code of MAILBOX_ERROR_CODES) expect({ lng, code, error: typeof lookup(received, `mailbox.error.${code}`) }).toEqual({ lng, code, error: 'string' });
      for (const key of REASON_KEYS) expect({ lng, key, bounce: typeof (lookup(reasons, 'bounce') as Tree)[key] }).toEqual({ lng, key, bounce: 'string' });
      const address = lookup(reasons, 'address') as Tree;
      for (const code of ADDRESS_REASON_CODES) expect({ lng, code, address: Object.keys(address).some((k) => k === code || k.startsWith(`${code}_`)) }).toEqual({ lng, code, address: true });
      const descriptions = lookup(settings, 'templates.description') as Tree;
      for (const key of templateRegistry.keys()) expect({ lng, key, description: typeof descriptions[key] }).toEqual({ lng, key, description: 'string' });
    }
  });
});
