// Reads a QR code (ISO/IEC 18004) from the computer's camera for the offline verifier: getUserMedia (Media
// Capture and Streams §10) into a <video>, then each frame through the browser's BarcodeDetector (Shape Detection
// API §3) where it exists and reads QR codes, else through jsQR, a pure-JS decoder bundled into the page. Nothing
// leaves the page: frames are drawn to a canvas in memory and decoded here.
import jsQR from 'jsqr';

export type ScanErrorCode = 'CAMERA_DENIED' | 'CAMERA_MISSING' | 'CAMERA_BUSY' | 'CAMERA_FAILED';

export class ScanError extends Error {
  override name = 'ScanError';
  constructor(
    readonly code: ScanErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether this browser can ask for a camera at all (the Scan button is shown only then). */
export const cameraApiPresent = (): boolean => typeof navigator.mediaDevices?.getUserMedia === 'function';

type Decode = (video: HTMLVideoElement) => Promise<string | undefined>;

interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorClass {
  new (opts: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** The browser's own QR reader, when it has one that reads QR codes; else the reason it is not used. */
async function nativeDecoder(): Promise<{ decode: Decode } | { reason: string }> {
  const BD = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!BD) return { reason: 'no BarcodeDetector in this browser' };
  let formats: string[];
  try {
    formats = await BD.getSupportedFormats();
  } catch (err) {
    return { reason: `BarcodeDetector.getSupportedFormats failed: ${(err as Error).message}` };
  }
  if (!formats.includes('qr_code')) return { reason: 'BarcodeDetector does not read qr_code here' };
  const detector = new BD({ formats: ['qr_code'] });
  return { decode: async (video) => (await detector.detect(video))[0]?.rawValue };
}

/** Frames wider than this are scaled down before jsQR reads them (a printed QR code needs far fewer pixels). */
const MAX_FRAME_WIDTH = 1280;

/** jsQR over the current frame, drawn to an in-memory canvas. */
function jsqrDecoder(): Decode {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ScanError('CAMERA_FAILED', 'this browser gives no 2D canvas to read camera frames from');
  return async (video) => {
    const scale = Math.min(1, MAX_FRAME_WIDTH / video.videoWidth);
    const w = Math.round(video.videoWidth * scale);
    const h = Math.round(video.videoHeight * scale);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    ctx.drawImage(video, 0, 0, w, h);
    const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'attemptBoth' });
    return found?.data || undefined;
  };
}

/** Maps getUserMedia's DOMException names (Media Capture and Streams §10.2.1) to what a person can act on. */
function cameraError(err: unknown): ScanError {
  const name = (err as { name?: string })?.name ?? '';
  const text = `${name}: ${(err as Error)?.message ?? String(err)}`;
  if (name === 'NotAllowedError' || name === 'SecurityError') return new ScanError('CAMERA_DENIED', `camera permission denied (${text})`, { cause: err });
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new ScanError('CAMERA_MISSING', `no camera found (${text})`, { cause: err });
  if (name === 'NotReadableError' || name === 'AbortError') return new ScanError('CAMERA_BUSY', `the camera cannot be opened: it may be in use by another program (${text})`, { cause: err });
  return new ScanError('CAMERA_FAILED', `the camera could not start (${text})`, { cause: err });
}

export interface Scan {
  /** Which decoder reads the frames, and why the native one is not used when it is not. */
  readonly decoder: string;
  /** The first QR code's text, or undefined when the scan was stopped first. Rejects with ScanError. */
  readonly result: Promise<string | undefined>;
  /** Stops the camera (every track) and the frame loop; safe to call more than once. */
  stop(): void;
}

/** How often a frame is decoded (ms): often enough to feel instant, rare enough to leave the CPU to others. */
const FRAME_INTERVAL_MS = 120;

/** Opens the camera into `video` and decodes frames until a QR code is read or `stop()` is called. */
export async function startScan(video: HTMLVideoElement): Promise<Scan> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } } });
  } catch (err) {
    throw cameraError(err);
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: (text: string | undefined) => void = () => undefined;
  let fail: (err: ScanError) => void = () => undefined;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    for (const t of stream.getTracks()) t.stop();
    video.pause();
    video.srcObject = null;
    settle(undefined);
  };
  const result = new Promise<string | undefined>((resolve, reject) => {
    settle = resolve;
    fail = (err) => {
      reject(err);
      stop();
    };
  });
  try {
    video.srcObject = stream;
    await video.play();
  } catch (err) {
    stop();
    throw new ScanError('CAMERA_FAILED', `the camera stream cannot be shown: ${(err as Error).message}`, { cause: err });
  }
  for (const t of stream.getVideoTracks()) t.addEventListener('ended', () => fail(new ScanError('CAMERA_FAILED', 'the camera stopped (unplugged or taken by another program)')));
  const native = await nativeDecoder();
  const decode = 'decode' in native ? native.decode : jsqrDecoder();
  const decoder = 'decode' in native ? 'BarcodeDetector' : `jsQR (${native.reason})`;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      let text: string | undefined;
      try {
        text = await decode(video);
      } catch (err) {
        fail(new ScanError('CAMERA_FAILED', `a camera frame could not be decoded: ${(err as Error).message}`, { cause: err }));
        return;
      }
      if (stopped) return;
      if (text) {
        settle(text);
        stop();
        return;
      }
    }
    timer = setTimeout(() => void tick(), FRAME_INTERVAL_MS);
  };
  void tick();
  return { decoder, result, stop };
}
