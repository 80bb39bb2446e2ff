// A fake camera for Chromium: a YUV4MPEG2 (Y4M) video of a QR code, played by
// `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m` as the only camera.
// Y4M is a text header ("YUV4MPEG2 W<w> H<h> F<num>:<den> Ip A1:1 C420jpeg\n"), then per frame "FRAME\n" and the
// raw planes of 4:2:0 YUV: luma w·h bytes, then Cb and Cr (w/2)·(h/2) bytes each.
import { writeFileSync } from 'node:fs';
import * as QRCode from 'qrcode';

export interface QrVideoOptions {
  width?: number;
  height?: number;
  /** Pixels per QR module. */
  scale?: number;
  frames?: number;
}

/** Luma plane (0 black … 255 white) of `text` as a QR code (ISO/IEC 18004, level M as the report prints it), centred. */
export function qrLuma(text: string, width: number, height: number, scale: number): Uint8Array {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const side = (size + 8) * scale; // 4-module quiet zone each side
  if (side > width || side > height) throw new RangeError(`a ${size}-module QR code at ${scale} px per module needs ${side} px, the frame is ${width}×${height}`);
  const y = new Uint8Array(width * height).fill(200); // a grey "desk" around the white paper
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const mx = Math.floor(px / scale) - 4;
      const my = Math.floor(py / scale) - 4;
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && data[my * size + mx] === 1;
      y[(y0 + py) * width + x0 + px] = dark ? 16 : 240;
    }
  }
  return y;
}

/** Writes a Y4M video of `frames` identical grey-scale frames (luma plane `luma`); returns the file name. */
export function writeY4m(file: string, luma: Uint8Array, width: number, height: number, frames = 5): string {
  if (width % 2 || height % 2) throw new RangeError(`4:2:0 needs an even width and height, got ${width}×${height}`);
  if (luma.length !== width * height) throw new RangeError(`the luma plane has ${luma.length} bytes, ${width}×${height} needs ${width * height}`);
  const chroma = new Uint8Array((width / 2) * (height / 2)).fill(128); // neutral: a grey-scale picture
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma, chroma]);
  writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  return file;
}

/** A Y4M video of the QR code for `text`. */
export function writeQrY4m(file: string, text: string, o: QrVideoOptions = {}): string {
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  return writeY4m(file, qrLuma(text, width, height, o.scale ?? 4), width, height, o.frames);
}

/** A Y4M video of an empty grey desk: no QR code in any frame. */
export const writeBlankY4m = (file: string, width = 640, height = 480): string => writeY4m(file, new Uint8Array(width * height).fill(200), width, height);
