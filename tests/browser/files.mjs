// Reading back what the test downloads or the simulator writes, with Node's zlib only: PNG
// pictures (8-bit grey, grey+alpha, RGB, RGBA; not interlaced) and the entries of a zip file.
import zlib from "node:zlib";

const kPngSignature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

// {width, height, lit: Uint8Array of 0/1} with lit = the pixel is brighter than `threshold`.
export function readPng(bytes, threshold = 48) {
  if (!bytes.subarray(0, 8).equals(kPngSignature)) throw new Error("not a PNG");
  let at = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const data = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const kind = bytes.toString("latin1", at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (kind === "IHDR") {
      width = body.readUInt32BE(0); height = body.readUInt32BE(4);
      depth = body[8]; type = body[9]; interlace = body[12];
    } else if (kind === "IDAT") data.push(body);
    at += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  if (depth !== 8 || !channels || interlace) throw new Error(`PNG type ${type}/${depth}/${interlace} not read here`);
  const raw = zlib.inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; ++x) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predicted = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      pixels[y * stride + x] = (line[x] + predicted) & 255;
    }
  }
  const lit = new Uint8Array(width * height);
  for (let i = 0; i < width * height; ++i) {
    const colour = channels >= 3 ? Math.max(pixels[i * channels], pixels[i * channels + 1], pixels[i * channels + 2])
                                 : pixels[i * channels];
    lit[i] = colour > threshold ? 1 : 0;
  }
  return { width, height, lit };
}

export function sameLit(a, b) {
  return a.width === b.width && a.height === b.height && a.lit.every((v, i) => v === b.lit[i]);
}

// True when `a` is `b` moved sideways by up to half its width (both frames of one scrolling
// text taken a few frames apart: the simulator's snapshot is up to a second older than the
// daemon's frame), with lit pixels where they overlap.
export function sameLitScrolled(a, b) {
  if (a.width !== b.width || a.height !== b.height) return false;
  const { width, height } = a;
  for (let dx = -(width >> 1); dx <= width >> 1; ++dx) {
    let same = true, lit = 0;
    for (let y = 0; y < height && same; ++y)
      for (let x = Math.max(0, dx); x < Math.min(width, width + dx); ++x) {
        const v = a.lit[y * width + x];
        if (v !== b.lit[y * width + x - dx]) { same = false; break; }
        lit += v;
      }
    if (same && lit > 0) return true;
  }
  return false;
}

export function litCount(picture) { return picture.lit.reduce((sum, v) => sum + v, 0); }

// Map of entry name -> Buffer (stored or deflated entries), from the central directory.
export function readZip(bytes) {
  if (bytes.readUInt32LE(0) !== 0x04034b50) throw new Error("not a zip file");
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("zip without its central directory");
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; ++i) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Error("broken zip directory");
    const method = bytes.readUInt16LE(at + 10), size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28), extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32), local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString("utf8", at + 46, at + 46 + nameLength);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const stored = bytes.subarray(start, start + size);
    entries.set(name, method === 8 ? zlib.inflateRawSync(stored) : stored);
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}
