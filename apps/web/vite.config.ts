// The viewer builds to static files that open from any static host, from `attnlens view`,
// and from disk. Chromium loads no module script from file:// (an opaque origin), so the
// bundle is one classic IIFE script; the Keras worker is inlined as a blob: URL (a worker
// file next to the page would not load from file:// either). Fonts: Latin, Arabic and Hebrew
// are inlined as data: URLs in the CSS (every page needs them, and they are small); the ~100
// unicode-range subsets of Noto Sans SC, Noto Sans KR and Noto Emoji stay separate woff2 files under
// assets/, which the browser fetches only when a page's text uses a character of one
// (Chromium loads them from file:// as well: test/web/viewer.test.ts). The page fetches
// nothing but itself and those files.
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

/** Fonts fetched by unicode-range on demand, not inlined (src/fonts.ts loads them for the canvas). */
const LAZY_FONTS = /@fontsource[/\\](noto-sans-sc|noto-sans-kr|noto-emoji)[/\\]/;

/**
 * fontsource's CSS lists a .woff after each .woff2; every browser that runs this page reads
 * woff2, so the .woff is dropped (it would double the inlined CSS and the assets).
 */
function woff2Only(): Plugin {
  return {
    name: 'attnlens-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/@fontsource[/\\].*\.css$/.test(id)) return undefined;
      return { code: code.replace(/,\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)/g, ''), map: null };
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [woff2Only(), classicScript()],
  worker: { format: 'iife' },
  build: {
    outDir: 'dist/page',
    target: 'es2022',
    modulePreload: false,
    assetsInlineLimit: (file) => !LAZY_FONTS.test(file),
    cssCodeSplit: false,
    chunkSizeWarningLimit: 20_000,
    rollupOptions: { output: { format: 'iife' } },
  },
});
