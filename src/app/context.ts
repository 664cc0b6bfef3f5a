// The playground, provided to the app's components through Svelte context (App.svelte sets it;
// components call usePlayground()). A stage is handed its own session as a property, since a
// comparison shows two.

import { getContext, setContext } from 'svelte';
import type { Playground } from './playground.svelte';

const KEY = Symbol('faultline.playground');

export function providePlayground(p: Playground): Playground {
  return setContext(KEY, p);
}

export function usePlayground(): Playground {
  const p = getContext<Playground | undefined>(KEY);
  if (!p) throw new Error('usePlayground() outside the app: App.svelte provides the playground');
  return p;
}
