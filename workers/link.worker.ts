// Share links are read on this thread, not the page's: a link can be up to two million
// characters, and however well its decompression is capped, decoding and unpacking it must
// never hold up the page (or, for the embeddable player, the page that embeds it). One link
// per worker; the page terminates it when it has the answer. A link may build on a built-in
// scenario or on a built-in challenge's (`challenge:<id>`: a learner's answer).
import { unpackShareLink } from '../src/scenario/share-link';
import { resolveLinkBase } from '../src/scenario/challenge/library';

self.onmessage = async (e: MessageEvent<string>) => {
  self.postMessage(await unpackShareLink(e.data, resolveLinkBase));
};
