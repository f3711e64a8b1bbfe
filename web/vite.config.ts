import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `<file>.gz` (gzip, level 9) beside every built script, stylesheet and page over 1 KB. The
 * service sends it with `Content-Encoding: gzip` to browsers that accept it (src/console/), so the
 * console's JavaScript travels compressed without the service compressing anything per request (and
 * without a compression middleware in front of the event stream, which must not be buffered).
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'lianfang-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file) || statSync(file).size < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }));
      }
    },
  };
}

/**
 * The console is built into web/dist, which the API process serves at `/`. In development
 * (`npm run dev -w web`) Vite serves it on :5173 and passes /api (the SSE stream included) to the
 * service named by LIANFANG_API, by default `npm start`'s http://127.0.0.1:3000; the session cookie is
 * SameSite=Strict and same-origin through the proxy, so signing in works unchanged.
 */
export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: process.env.LIANFANG_API ?? 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The sign-in page's JavaScript budget is 300 KB gzip (npm run bench:console measures it); Vite's
    // 500 KB warning is about raw size and would only repeat it.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
});
