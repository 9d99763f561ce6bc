// The one catalogue of otaship errors. Every failure the user can see has a stable code here, a
// message template that says what went wrong and what to do, an HTTP status (for the server's one
// error edge) and a CLI exit code. Nothing else maps errors to statuses or exit codes.

export interface ErrorSpec {
  readonly status: number;
  /** CLI exit code: 1 = "checked and found wanting", 2 = bad input or usage, 3 = environment/server. */
  readonly exit: number;
  readonly hint: string;
}

export const ERRORS = {
  // --- input files -------------------------------------------------------------------------
  FILE_NOT_FOUND: { status: 404, exit: 2, hint: 'Check the path and that the file is readable.' },
  UNKNOWN_FILE_TYPE: {
    status: 415,
    exit: 2,
    hint: 'Give an .ipa or .apk package, or a .mobileprovision/.provisionprofile file.',
  },
  NOT_A_ZIP: { status: 415, exit: 2, hint: 'The file is not a zip archive: re-export the package from Xcode or Gradle.' },
  TRUNCATED_ZIP: {
    status: 422,
    exit: 2,
    hint: 'The archive is cut short (an interrupted download or copy?): copy or upload the file again.',
  },
  ZIP_BOMB: {
    status: 422,
    exit: 2,
    hint: 'An entry inflates far beyond any real package file; the package was refused to protect the machine.',
  },
  CORRUPT_ZIP: { status: 422, exit: 2, hint: 'The archive is damaged: rebuild or re-export the package.' },
  NO_APP_BUNDLE: {
    status: 422,
    exit: 2,
    hint: 'An .ipa must hold Payload/<Name>.app/Info.plist. Export it with Xcode (Product › Archive › Distribute).',
  },
  BAD_PLIST: { status: 422, exit: 2, hint: 'The property list cannot be read: rebuild the package.' },
  BAD_PROFILE: {
    status: 422,
    exit: 2,
    hint: 'The provisioning profile cannot be decoded: download it again from the Apple Developer portal.',
  },
  BAD_APK: {
    status: 422,
    exit: 2,
    hint: 'The APK has no readable AndroidManifest.xml: rebuild it with Gradle (assembleRelease).',
  },
  NO_ICON: {
    status: 404,
    exit: 2,
    hint: 'The package has no icon file otaship can read (icons only inside Assets.car are not extracted).',
  },
  BAD_ICON: { status: 422, exit: 2, hint: 'The icon image cannot be decoded: check the app icon in the build.' },
  ICON_TOO_LARGE: {
    status: 422,
    exit: 2,
    hint: 'The app icon is far larger than any icon iOS or Android uses (1024×1024 at most): export it at its real size.',
  },
  PARSE_BUDGET: {
    status: 422,
    exit: 2,
    hint: 'The file holds far more structure than any real package or profile (a decompression or reference bomb?); it was refused to protect the machine.',
  },
  AAB_NOT_SUPPORTED: {
    status: 415,
    exit: 2,
    hint: 'An .aab (Android App Bundle) cannot be installed on a device: build a universal APK (bundletool build-apks --mode=universal, or assembleRelease) and upload that.',
  },
  // --- links and manifests -----------------------------------------------------------------
  BAD_URL: { status: 400, exit: 2, hint: 'Give an absolute https:// URL.' },
  BAD_LINK: { status: 400, exit: 2, hint: 'Give an itms-services:// link, an HTML file, or - for standard input.' },
  BAD_MANIFEST: {
    status: 422,
    exit: 1,
    hint: 'Fix the manifest as listed, or let `otaship manifest` generate it from the package.',
  },
  MANIFEST_INPUT: {
    status: 422,
    exit: 2,
    hint: 'The named package fact cannot be written into a manifest: fix it in the package (Info.plist) and re-export.',
  },
  MANIFEST_NEEDS_IPA: {
    status: 422,
    exit: 2,
    hint: 'Manifests are for iOS; Android installs by direct download: link the .apk itself.',
  },
  // --- usage and configuration ---------------------------------------------------------------
  CANNOT_WRITE: { status: 500, exit: 2, hint: 'Give an output path in a folder that exists and that you can write to.' },
  USAGE: { status: 400, exit: 2, hint: 'Run `otaship --help` for usage.' },
  CONFIG: { status: 500, exit: 2, hint: 'Fix the setting named above (config file or OTASHIP_* variable).' },
  // --- server --------------------------------------------------------------------------------
  VALIDATION: { status: 400, exit: 2, hint: 'Correct the request as described.' },
  UNAUTHENTICATED: {
    status: 401,
    exit: 3,
    hint: 'Send an API token (Authorization: Bearer <token>) or sign in to the admin.',
  },
  FORBIDDEN: { status: 403, exit: 3, hint: 'Use a token that is allowed to act on this app.' },
  TOKEN_INVALID: {
    status: 403,
    exit: 3,
    hint: 'The link is not valid: ask for a fresh install link from the install page or the admin.',
  },
  TOKEN_MISSING: {
    status: 403,
    exit: 3,
    hint: 'Reopen the install page from the link you were sent: it adds the access token this build needs.',
  },
  TOKEN_EXPIRED: {
    status: 403,
    exit: 3,
    hint: 'The link has expired: reopen the install page to get a fresh one.',
  },
  DEVICE_REGISTRATION: {
    status: 400,
    exit: 2,
    hint: 'Open the device registration page (/udid) in Safari on the iPhone or iPad and install the profile again.',
  },
  NOT_FOUND: { status: 404, exit: 3, hint: 'Check the identifier; it may have been deleted.' },
  CONFLICT: { status: 409, exit: 3, hint: 'The resource changed or already exists.' },
  REQUEST_TIMEOUT: { status: 408, exit: 3, hint: 'Send the request again, without pausing inside its headers.' },
  HEADERS_TOO_LARGE: { status: 431, exit: 3, hint: 'Send smaller request headers: fewer or shorter cookies, a shorter URL.' },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2, hint: 'Raise OTASHIP_MAX_UPLOAD_BYTES or upload a smaller package.' },
  BODY_TOO_LARGE: { status: 413, exit: 2, hint: 'Send less: shorten the field named in the message.' },
  NOT_INSTALLABLE: {
    status: 422,
    exit: 2,
    hint: 'Re-sign the build with an ad-hoc, development or enterprise profile.',
  },
  PROFILE_EXPIRED: {
    status: 422,
    exit: 2,
    hint: 'Re-sign with a current profile, or publish with force (--force / ?force=true) to keep it anyway.',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    exit: 3,
    hint: 'Too many attempts in a short time: wait for the time given in Retry-After, then try again.',
  },
  QUOTA_EXCEEDED: {
    status: 429,
    exit: 3,
    hint: 'Finish or cancel the unfinished uploads of this token (or wait for them to expire) before starting another.',
  },
  WEBHOOK_TARGET: {
    status: 400,
    exit: 2,
    hint: 'Use a public http(s) address, or set OTASHIP_WEBHOOK_ALLOW_PRIVATE=true to deliver to private networks.',
  },
  UPLOAD_INCOMPLETE: {
    status: 400,
    exit: 3,
    hint: 'The upload was cut off before the end: send the file again (or resume it).',
  },
  SERVER_UNREACHABLE: {
    status: 502,
    exit: 3,
    hint: 'Check --server (or OTASHIP_SERVER) and that the otaship server is running and reachable from here.',
  },
  STORAGE: { status: 500, exit: 3, hint: 'The storage backend failed; see the server log.' },
  UNAVAILABLE: {
    status: 503,
    exit: 3,
    hint: 'The server cannot reach its database or storage right now: try again shortly; operators, see the server log.',
  },
  INSUFFICIENT_STORAGE: {
    status: 507,
    exit: 3,
    hint: 'The server is out of disk space (or storage quota): operators, free space or grow the volume; the upload can be retried then.',
  },
  INTERNAL: { status: 500, exit: 3, hint: 'This is a bug in otaship: please report it with the server log.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class OtashipError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly #hint: string | undefined;

  /**
   * `hint` replaces the catalogue's hint for this one error, where the general advice would be wrong
   * (a command's own --help, a URL that is already https): the code, status and exit stay.
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown>; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OtashipError';
    this.code = code;
    this.details = options?.details;
    this.#hint = options?.hint;
  }

  get hint(): string {
    return this.#hint ?? ERRORS[this.code].hint;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
  get exitCode(): number {
    return ERRORS[this.code].exit;
  }
  /** One line for a terminal or a log: what happened, then what to do. */
  toLine(): string {
    return `${this.message}. ${this.hint}`.replace(/\.\. /, '. ');
  }
}

export function isOtashipError(err: unknown): err is OtashipError {
  if (err instanceof OtashipError) return true;
  // The same class loaded twice (a module imported under two URLs, as a TypeScript loader in a
  // worker thread can do) makes instanceof fail for errors that are ours all the same.
  const e = err as { name?: unknown; code?: unknown } | null;
  return err instanceof Error && e?.name === 'OtashipError' && typeof e.code === 'string' && Object.hasOwn(ERRORS, e.code);
}
