import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * One namespace per folder: `src/<…>/<name>/i18n/{fr,en}.json` becomes namespace `<name>`, so
 * each feature owns its translation files and no two people edit the same one.
 */
const files = import.meta.glob<Record<string, unknown>>('./**/i18n/*.json', { eager: true, import: 'default' });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [file, strings] of Object.entries(files)) {
  const match = /\/([^/]+)\/i18n\/([a-z]{2})\.json$/.exec(file);
  if (!match) continue;
  const [, ns, lng] = match as unknown as [string, string, string];
  (resources[lng] ??= {})[ns] = strings;
}

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    fallbackLng: 'fr',
    defaultNS: 'shell',
    fallbackNS: 'ui',
    interpolation: { escapeValue: false },
    detection: { order: ['localStorage', 'navigator'], caches: ['localStorage'], lookupLocalStorage: 'mailroom.language' },
    returnNull: false,
  });

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = i18n.resolvedLanguage ?? 'fr';

export default i18n;
