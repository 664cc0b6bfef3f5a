// Video files: frames encoded by the browser's WebCodecs VideoEncoder (VP9 or VP8 for WebM,
// H.264 for MP4, whichever this browser has), muxed by mediabunny. Loaded only when a video
// is asked for.

import { BufferTarget, CanvasSource, canEncodeVideo, Mp4OutputFormat, Output, QUALITY_HIGH, WebMOutputFormat } from 'mediabunny';
import { ExportError, type FrameEncoder } from './encoders';
import { zeroMp4Times } from './mp4-times';


/** What a format is encoded with, in order of preference. */
const VIDEO_CODECS = { webm: ['vp9', 'vp8'], mp4: ['avc'] } as const;
type VideoCodecName = (typeof VIDEO_CODECS)[keyof typeof VIDEO_CODECS][number];
const CODEC_NAMES: Record<string, string> = { vp9: 'VP9', vp8: 'VP8', avc: 'H.264' };

/** Which video formats this browser can encode at a size (the dialog offers only those). */
export async function videoSupport(widthPx: number, heightPx: number): Promise<Record<'webm' | 'mp4', VideoCodecName | null>> {
  const out: Record<'webm' | 'mp4', VideoCodecName | null> = { webm: null, mp4: null };
  if (typeof VideoEncoder === 'undefined') return out;
  for (const f of ['webm', 'mp4'] as const) {
    for (const codec of VIDEO_CODECS[f]) {
      if (await canEncodeVideo(codec, { width: widthPx, height: heightPx })) {
        out[f] = codec;
        break;
      }
    }
  }
  return out;
}

export async function createVideoEncoder(format: 'webm' | 'mp4', canvas: OffscreenCanvas, fps: number): Promise<FrameEncoder> {
  if (typeof VideoEncoder === 'undefined') {
    throw new ExportError(`this browser cannot encode video (it has no WebCodecs VideoEncoder); export a GIF instead`);
  }
  const support = await videoSupport(canvas.width, canvas.height);
  const codec = support[format];
  if (!codec) {
    const wanted = VIDEO_CODECS[format].map((c) => CODEC_NAMES[c]).join(' or ');
    const other = format === 'mp4' ? (support.webm ? 'WebM' : null) : support.mp4 ? 'MP4' : null;
    throw new ExportError(`this browser cannot encode ${wanted} video at ${canvas.width}×${canvas.height}, which ${format.toUpperCase()} needs; export ${other ? `${other} or ` : ''}a GIF instead`);
  }
  const target = new BufferTarget();
  const output = new Output({ format: format === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(), target });
  const source = new CanvasSource(canvas, {
    codec,
    bitrate: QUALITY_HIGH,
    keyFrameInterval: 5,
    latencyMode: 'quality',
    // Software encoders give the same bytes for the same frames; a GPU's may not.
    hardwareAcceleration: 'prefer-software',
  });
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  return {
    async add(_c, i) {
      await source.add(i / fps, 1 / fps);
    },
    async finish() {
      await output.finalize();
      const bytes = new Uint8Array(target.buffer!);
      if (format === 'mp4') zeroMp4Times(bytes);
      return bytes;
    },
    async cancel() {
      await output.cancel();
    },
  };
}
