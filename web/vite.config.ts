import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is built into web/dist, which the API process serves at `/`. In development
 * (`npm run dev -w web`) Vite serves it on :5173 and passes /api (the SSE stream included) to the
 * service named by LIANFANG_API, by default `npm start`'s http://127.0.0.1:3000; the session cookie is
 * SameSite=Strict and same-origin through the proxy, so signing in works unchanged.
 */
export default defineConfig({
  plugins: [react()],
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
