/**
 * The one error type attnlens shows a user. Every adapter, the engine and the
 * renderers throw this (never a bare Error) for anything a user can cause:
 * the CLI prints `message` and `hint` on one line and exits non-zero.
 */
export type ErrorCode =
  | 'FILE_NOT_FOUND' // the path does not exist or is not a readable file
  | 'IO' // the OS refused a read or write
  | 'UNKNOWN_FORMAT' // first bytes match no format attnlens reads
  | 'TRUNCATED' // the file ends before its own header says it should
  | 'CORRUPT' // bytes present but inconsistent (bad CRC, bad header, bad zip)
  | 'UNSUPPORTED' // a valid file holding something attnlens will not read (pickle, structured dtype)
  | 'NOT_FOUND' // a named thing (array, layer, dataset, tag) is not in the file
  | 'AMBIGUOUS' // several candidates and the user must choose
  | 'SHAPE_MISMATCH' // shapes that do not fit together
  | 'NON_FINITE' // NaN or Inf where a number is needed
  | 'BAD_ARGUMENT' // a command-line or API argument is wrong
  | 'VERSION' // a format version newer than this attnlens reads
  | 'INTERRUPTED' // the user stopped the work
  | 'SIZE_LIMIT' // the data would take more memory or disk than a limit allows (core/limits.ts); details: bytes, limit, limitName
  | 'NOT_ALLOWED'; // the file asks to read another file (HDF5 external storage or link) the user did not allow

export interface AttnlensErrorOptions {
  code: ErrorCode;
  /** What was wrong, in a sentence. Do not repeat the file name: `file` is prefixed. */
  message: string;
  /** The file (or other input) the error is about. */
  file?: string;
  /** What the user can do about it. */
  hint?: string;
  /** Extra structured facts for --json output (shapes, offsets, candidates). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AttnlensError extends Error {
  override readonly name = 'AttnlensError';
  readonly code: ErrorCode;
  readonly file?: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;
  /** The message without the file prefix. */
  readonly reason: string;

  constructor(opts: AttnlensErrorOptions) {
    super(opts.file ? `${opts.file}: ${opts.message}` : opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code;
    this.reason = opts.message;
    if (opts.file !== undefined) this.file = opts.file;
    if (opts.hint !== undefined) this.hint = opts.hint;
    if (opts.details !== undefined) this.details = opts.details;
  }

  /** A copy of this error that names `file`, for errors raised below the layer that knows the path. */
  withFile(file: string): AttnlensError {
    if (this.file) return this;
    return new AttnlensError({ code: this.code, message: this.reason, file, hint: this.hint, details: this.details, cause: this.cause });
  }

  /** One line for a terminal: `file: what was wrong (hint: what to do)`. */
  toLine(): string {
    return this.hint ? `${this.message} (hint: ${this.hint})` : this.message;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, file: this.file, message: this.reason, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isAttnlensError(e: unknown): e is AttnlensError {
  return e instanceof AttnlensError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AttnlensError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Shorthand for throwing: `fail('SHAPE_MISMATCH', 'X has F=12 but W has 15 rows', {file, hint})`. */
export function fail(code: ErrorCode, message: string, extra: Omit<AttnlensErrorOptions, 'code' | 'message'> = {}): never {
  throw new AttnlensError({ code, message, ...extra });
}
