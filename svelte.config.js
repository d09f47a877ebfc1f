import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // Forms are origin-checked by SvelteKit itself (the default; no trusted extra origins).
    csrf: { trustedOrigins: [] }
  }
};

export default config;
