import { defineConfig } from 'vitest/config';

// Generous limits: CI shares 2 cores between turbo tasks, so wall time is not a
// measure of anything here (speed lives in `pnpm bench`).
export default defineConfig({
  test: { include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
