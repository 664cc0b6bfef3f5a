// Sites and the links between them: the network every message crosses.

import { BOUNDS } from './bounds';
import { params } from './param';

export const SITE_PARAMS = params({
  id: { type: 'id', required: true, access: 'identity', label: 'Id', help: 'Unique among sites and nodes.' },
  label: { type: 'text', maxChars: 100, access: 'layout', label: 'Label', help: 'Display name, up to 100 characters.' },
  lanLatencyMs: { type: 'number', ...BOUNDS.network, default: 0.25, access: 'tunable', label: 'LAN latency', help: 'One-way latency between two nodes of the site.' },
  lanJitterMs: { type: 'number', ...BOUNDS.network, default: 0.05, access: 'tunable', label: 'LAN jitter', help: 'Added to each message, uniformly at random between 0 and this.' },
  lanBytesPerSec: { type: 'number', ...BOUNDS.bandwidth, default: 1.25e9, access: 'tunable', label: 'LAN bandwidth', help: "Bandwidth of the site's own network (the default is 10 Gbit/s)." },
});

export const LINK_PARAMS = params({
  between: { type: 'site-pair', required: true, checkedBy: 'rule', access: 'structure', label: 'Between', help: 'Two different site ids. One link per pair; it carries traffic both ways, each direction with its own queue.' },
  latencyMs: { type: 'number', ...BOUNDS.network, required: true, access: 'tunable', label: 'Latency', help: 'One-way base latency.' },
  jitterMs: { type: 'number', ...BOUNDS.network, defaultText: 'a tenth of `latencyMs`', access: 'tunable', label: 'Jitter', help: 'Added to each message, uniformly at random between 0 and this.' },
  bytesPerSec: { type: 'number', ...BOUNDS.bandwidth, default: 1.25e8, access: 'tunable', label: 'Bandwidth', help: 'Bandwidth per direction (the default is 1 Gbit/s).' },
  queueBytes: { type: 'number', unit: 'bytes', min: 0, max: 1e12, defaultText: 'half a second of bandwidth', access: 'tunable', label: 'Queue', help: 'Bytes that may wait to be sent per direction; beyond it new messages are dropped.' },
  lossRate: { type: 'number', unit: 'share', min: 0, max: 1, default: 0, access: 'tunable', label: 'Loss rate', help: 'Probability that a message is lost, 0 to 1.' },
});
