// Svelte 5 with runes; vite-plugin-svelte reads this (and svelte-check too).
export default {
  compilerOptions: { runes: true },
};
