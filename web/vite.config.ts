import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` in web/ proxies the API of a Mailroom started with `npm start` on :3000.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vite's module-preload polyfill is a script in the bundle, never inline (CSP script-src 'self').
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
