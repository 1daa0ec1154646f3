// The viewer builds to static files that open from any static host, from `attnlens view`,
// and from disk. Chromium loads no module script from file:// (an opaque origin), so the
// bundle is one classic IIFE script; the Keras worker is inlined as a blob: URL (a worker
// file next to the page would not load from file:// either), and fonts are inlined as
// data: URLs in the CSS, so the page fetches nothing but itself.
import { defineConfig, type Plugin } from 'vite';

/** Vite writes `<script type="module" crossorigin>`; an IIFE bundle runs as a classic deferred script. */
function classicScript(): Plugin {
  return {
    name: 'attnlens-classic-script',
    enforce: 'post',
    transformIndexHtml(html) {
      // `crossorigin` makes a file:// page refuse its own stylesheet (CORS from origin 'null').
      return html.replace(/<script type="module" crossorigin src=/g, '<script defer src=').replace(/<link rel="stylesheet" crossorigin /g, '<link rel="stylesheet" ');
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [classicScript()],
  worker: { format: 'iife' },
  build: {
    outDir: 'dist/page',
    target: 'es2022',
    modulePreload: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 20_000,
    rollupOptions: { output: { format: 'iife' } },
  },
});
