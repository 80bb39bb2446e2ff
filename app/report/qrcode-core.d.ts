// Types for the pure encoder of `qrcode` the report uses. (Its main entry also loads the PNG renderer, whose
// pngjs needs zlib and assert: the desktop app's main bundle must stay free of those.)
declare module 'qrcode/lib/core/qrcode.js' {
  export interface QRCodeData {
    readonly version: number;
    readonly modules: { readonly size: number; readonly data: ArrayLike<number | boolean> };
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): QRCodeData;
}
