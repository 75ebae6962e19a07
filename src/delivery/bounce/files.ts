import fs from 'node:fs';
import path from 'node:path';

/**
 * Every message file of a folder, recursively, in a stable order. Notes kept
 * next to the messages (README, SOURCES.md, LICENSE, expected.json) are not
 * messages and are skipped.
 */
export function* messageFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* messageFiles(full);
    else if (entry.isFile() && !/\.(md|json5?|ya?ml)$/i.test(entry.name) && !/^(licen[cs]e|copying|readme|sources)/i.test(entry.name) && !entry.name.startsWith('.')) yield full;
  }
}

/** The path as printed by the bench and keyed in tables: relative, with forward slashes. */
export const relativeName = (dir: string, file: string) => path.relative(dir, file).split(path.sep).join('/');
