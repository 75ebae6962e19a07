import fs from 'node:fs';
import path from 'node:path';
import { VERIFY_CODES } from '../../src/outgoing/verify';
import { RECEIVED_REASON_CODES } from '../../src/reception/reasons';
import { MAILBOX_ERROR_CODES, MAILBOX_VERIFY_CODES } from '../../src/reception/verify-mailbox';
import { ADDRESS_REASON_CODES, REASON_KEYS } from '../../src/delivery/reasons';
import { templateRegistry } from '../../src/templates/registry';
import { PLACEHOLDER_KEYS } from '../../src/templates/placeholders';
import { ERROR_CODES } from '../../src/shared/errors';
import { FIELD_REASONS, FIELD_REASON_CODES } from '../../src/shared/field-reasons';
import { DETAIL_CODES, PROBLEM_DETAILS } from '../../src/shared/problem-details';

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

  /** A wording of a code: the key itself, or its plural forms. */
  const wordings = (node: Tree | undefined, code: string): string[] =>
    node ? Object.entries(node).filter(([k, v]) => (k === code || new RegExp(`^${code}_(zero|one|two|few|many|other)$`).test(k)) && typeof v === 'string').map(([, v]) => v as string) : [];
  const used = (text: string) => [...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]!);
  // What zod gives with each of its codes (src/api/problem.ts zodReason); `count` is the plural count the console adds.
  const ZOD_PARAMS: Record<string, string[]> = { WRONG_TYPE: ['expected'], TOO_SHORT: ['minimum'], TOO_LONG: ['maximum'], TOO_SMALL: ['minimum'], TOO_BIG: ['maximum'], NOT_ABOVE: ['minimum'], NOT_BELOW: ['maximum'], TOO_FEW: ['minimum'], TOO_MANY: ['maximum'], TOO_EARLY: ['minimum'], TOO_LATE: ['maximum'], NOT_MULTIPLE: ['divisor'], BAD_FORMAT: ['format'], NOT_ONE_OF: ['values'], UNKNOWN_KEYS: ['keys'] };

  it('words every problem the API answers — each error-table code, situation and field reason — in both languages, with only the values it carries', () => {
    for (const lng of LANGUAGES) {
      const problems = read('ui/problems', lng);
      for (const code of Object.keys(ERROR_CODES)) {
        expect({ lng, code, title: typeof lookup(problems, `code.${code}.title`), detail: typeof lookup(problems, `code.${code}.detail`) }).toEqual({ lng, code, title: 'string', detail: 'string' });
      }
      for (const code of DETAIL_CODES) {
        const texts = wordings(lookup(problems, 'detail') as Tree, code);
        const allowed = Object.keys(PROBLEM_DETAILS[code].params);
        expect({ lng, code, worded: texts.length > 0, unknownValues: texts.flatMap(used).filter((v) => !allowed.includes(v) && v !== 'count') }).toEqual({ lng, code, worded: true, unknownValues: [] });
      }
      // OTHER is the reason without a code: its English words are shown as they came.
      for (const code of FIELD_REASON_CODES.filter((c) => c !== 'OTHER')) {
        const texts = wordings(lookup(problems, 'field') as Tree, code);
        const allowed = code in FIELD_REASONS ? Object.keys(FIELD_REASONS[code as keyof typeof FIELD_REASONS].params) : (ZOD_PARAMS[code] ?? []);
        expect({ lng, code, worded: texts.length > 0, unknownValues: texts.flatMap(used).filter((v) => !allowed.includes(v) && v !== 'count') }).toEqual({ lng, code, worded: true, unknownValues: [] });
      }
    }
  });

  it('words what every template placeholder stands for, in both languages', () => {
    for (const lng of LANGUAGES) {
      const placeholders = lookup(read('features/settings', lng), 'templates.placeholder') as Tree;
      for (const key of PLACEHOLDER_KEYS) expect({ lng, key, wording: typeof placeholders[key] }).toEqual({ lng, key, wording: 'string' });
    }
  });
});
