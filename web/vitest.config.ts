import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Component and unit tests of the console (`npm test` in web/; the root `npm test` runs them
// through tests/web/components.test.ts). The browser tests at the root cover whole screens.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // One worker: the machine is shared, and the suite is small.
    maxWorkers: 1,
  },
});
