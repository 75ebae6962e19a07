/**
 * Every test: the API is a handler table (the console's own openapi-fetch client captures
 * `fetch` when it is created, so the stand-in is installed before any source module loads),
 * i18next in English, and the rendered tree removed afterwards.
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetApi, fakeFetch } from './api';

globalThis.fetch = fakeFetch;

// Mantine reads these; happy-dom lacks or only half implements them.
window.matchMedia ??= (query: string) =>
  ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }) as MediaQueryList;
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const i18n = (await import('../src/i18n')).default;
await i18n.changeLanguage('en');

afterEach(() => {
  cleanup();
  resetApi();
});
