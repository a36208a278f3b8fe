/**
 * A downloaded output's extension: from the answer's content type when it names a known media type, else
 * from the URL's own extension when it is a known one, else from the output's type; a `text` output is
 * always `.txt`. Only extensions from these tables are ever written, so a hostile host cannot make a file
 * that opens as a web page or a program.
 */

const BY_CONTENT_TYPE: Partial<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/tiff': 'tiff',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/ogg': 'ogg',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/flac': 'flac',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'application/json': 'json',
};

const BY_OUTPUT_TYPE: Partial<Record<string, string>> = { imageUrl: 'png', videoUrl: 'mp4', audioUrl: 'mp3', documentUrl: 'pdf', text: 'txt' };

/** Every extension a downloaded file can have (what a check for an earlier download looks for). */
export const EXTENSIONS: readonly string[] = [...new Set([...Object.values(BY_CONTENT_TYPE), ...Object.values(BY_OUTPUT_TYPE), 'jpeg', 'bin'] as string[])];

const KNOWN = new Set(EXTENSIONS);

/** The URL path's extension, lower-cased, when it is one of ours. */
function urlExtension(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    const ext = /\.([A-Za-z0-9]{1,5})$/.exec(last)?.[1]?.toLowerCase();
    return ext && KNOWN.has(ext) ? ext : undefined;
  } catch {
    return undefined;
  }
}

/** `table[key]` when the table itself has it (a server's `constructor` or `__proto__` names nothing here). */
const own = (table: Partial<Record<string, string>>, key: string) => (Object.hasOwn(table, key) ? table[key] : undefined);

/** The extension (without the dot) for an output of `type` fetched from `url`, answered with `contentType`. */
export function extensionFor(type: string, contentType: string | null | undefined, url: string | undefined): string {
  if (type === 'text') return 'txt';
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  return (media ? own(BY_CONTENT_TYPE, media) : undefined) ?? (url ? urlExtension(url) : undefined) ?? own(BY_OUTPUT_TYPE, type) ?? 'bin';
}
