// The one thing in an MP4 that does not follow from its frames: the muxer's wall-clock time.

/**
 * Set the creation and modification times of an MP4's movie, tracks and media to zero (the
 * muxer writes the wall clock's time there): the same frames then give the same file.
 */
export function zeroMp4Times(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const walk = (from: number, to: number): void => {
    let at = from;
    while (at + 8 <= to) {
      let size = view.getUint32(at);
      const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
      let header = 8;
      if (size === 1) {
        size = Number(view.getBigUint64(at + 8));
        header = 16;
      } else if (size === 0) size = to - at;
      if (size < header || at + size > to) return;
      if (type === 'moov' || type === 'trak' || type === 'mdia') walk(at + header, at + size);
      else if (type === 'mvhd' || type === 'tkhd' || type === 'mdhd') {
        const version = bytes[at + header];
        const times = at + header + 4;
        if (version === 1) bytes.fill(0, times, times + 16);
        else bytes.fill(0, times, times + 8);
      }
      at += size;
    }
  };
  walk(0, bytes.length);
}
