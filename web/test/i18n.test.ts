import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every namespace (`src/…/<name>/i18n/`) has French and English with the same keys and the
 * same {{placeholders}} in each string; plural forms (`_one`, `_other`…) count as one key.
 */
const SRC = path.resolve(__dirname, '../src');
const LANGUAGES = ['fr', 'en'];

function namespaces(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return [];
    const full = path.join(dir, e.name);
    return e.name === 'i18n' ? [full] : namespaces(full);
  });
}

type Strings = Record<string, string>;
function flatten(value: unknown, prefix = ''): Strings {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.entries(value as Record<string, unknown>).reduce<Strings>((all, [k, v]) => ({ ...all, ...flatten(v, prefix ? `${prefix}.${k}` : k) }), {});
}
const PLURAL = /_(zero|one|two|few|many|other)$/;
const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();

/** Base key → the placeholders of all its forms. */
function keys(file: string): Map<string, string[]> {
  const strings = flatten(JSON.parse(fs.readFileSync(file, 'utf8')));
  const out = new Map<string, string[]>();
  for (const [key, text] of Object.entries(strings)) {
    const base = key.replace(PLURAL, '');
    out.set(base, [...new Set([...(out.get(base) ?? []), ...placeholders(text)])].sort());
  }
  return out;
}

const folders = namespaces(SRC);

describe('translations', () => {
  it('every feature folder has its own strings', () => {
    const features = fs.readdirSync(path.join(SRC, 'features'));
    const missing = features.filter((f) => !fs.existsSync(path.join(SRC, 'features', f, 'i18n')));
    expect(missing).toEqual([]);
    expect(folders.length).toBeGreaterThanOrEqual(features.length);
  });

  it.each(folders.map((f) => [path.relative(SRC, path.dirname(f)), f]))('%s: French and English have the same keys and placeholders, none empty', (_name, folder) => {
    for (const lng of LANGUAGES) expect(fs.existsSync(path.join(folder, `${lng}.json`)), `${lng}.json`).toBe(true);
    const [fr, en] = LANGUAGES.map((lng) => keys(path.join(folder, `${lng}.json`))) as [Map<string, string[]>, Map<string, string[]>];
    expect({ onlyInFrench: [...fr.keys()].filter((k) => !en.has(k)), onlyInEnglish: [...en.keys()].filter((k) => !fr.has(k)) }).toEqual({ onlyInFrench: [], onlyInEnglish: [] });
    const differ = [...fr.keys()].filter((k) => JSON.stringify(fr.get(k)) !== JSON.stringify(en.get(k))).map((k) => `${k}: fr ${fr.get(k)!.join(',')} / en ${en.get(k)!.join(',')}`);
    expect(differ).toEqual([]);
    for (const lng of LANGUAGES) {
      const empty = Object.entries(flatten(JSON.parse(fs.readFileSync(path.join(folder, `${lng}.json`), 'utf8')))).filter(([, v]) => v.trim() === '').map(([k]) => k);
      expect({ lng, empty }).toEqual({ lng, empty: [] });
    }
  });
});
