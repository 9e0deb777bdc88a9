/** Why an album's palette could not be had; `code` is stable, for logs and tests. */
export type PaletteErrorCode =
  'url_not_allowed' | 'fetch_failed' | 'timeout' | 'too_large' | 'not_an_image' | 'decode_failed';

export class PaletteError extends Error {
  readonly code: PaletteErrorCode;
  constructor(code: PaletteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaletteError';
    this.code = code;
  }
}
