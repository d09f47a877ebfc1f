import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // src/service-worker.ts keeps the workspace pages for a reload while offline. The root layout
    // registers it in a built app only (never under `vite dev`).
    serviceWorker: { register: false },
    // Forms are origin-checked by SvelteKit itself (the default; no trusted extra origins).
    csrf: { trustedOrigins: [] },
    // Nonces for SSR pages, hashes for prerendered ones ('auto'). No inline script runs without one.
    // connect-src gets ws(s):// of the serving host added per response in hooks.server.ts (Socket.IO).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // Svelte style attributes and Chart.js set inline styles.
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none']
      }
    }
  }
};

export default config;
