/**
 * File names for downloaded outputs, made from ids a user or a server chose (an item id, a run id, an
 * output id): safe on every file system and never two ids to one name. A name is `<name>.<output>.<ext>`,
 * each id part either the id itself, when it is plainly safe (lower-case ASCII letters, digits, `_`, `-`;
 * at most 64; not a Windows device name), or its safe characters (at most 48) then `~` and 12 hex digits
 * of a SHA-256 of the whole id. So a name never holds a separator, `..`, a control character or
 * anything but `[A-Za-z0-9_~.-]`, stays under 140 bytes, and two different ids differ even on a
 * case-insensitive file system (a plain id has no `~` and no capital; a hashed one carries the hash of
 * the exact id).
 */
import { createHash } from 'node:crypto';

const PLAIN = /^[a-z0-9_-]{1,64}$/;
/** Names Windows reserves for devices, whatever follows them. */
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const KEPT = 48;

/** One id as a safe part of a file name (see the module's description). */
export function safePart(id: string): string {
  if (PLAIN.test(id) && !DEVICE.test(id)) return id;
  // The hash covers the UTF-16 code units, so ids that differ only in a lone surrogate stay apart.
  const hash = createHash('sha256').update(Buffer.from(id, 'utf16le')).digest('hex').slice(0, 12);
  const kept = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, KEPT);
  return `${kept || '_'}~${hash}`;
}

/** `<name>.<output>`: a file's name without its extension (the `.part` name adds `.part`). */
export const fileBase = (name: string, outputId: string) => `${safePart(name)}.${safePart(outputId)}`;

/**
 * The bases of a run's outputs, in order: one each, even when the server repeats an output id (a later
 * repeat takes a name made from its id and position, itself kept apart from every other).
 */
export function outputBases(name: string, outputIds: readonly string[]): string[] {
  const used = new Set<string>();
  return outputIds.map((id, index) => {
    let base = fileBase(name, id);
    for (let n = 0; used.has(base.toLowerCase()); n++) base = fileBase(name, `${id}\u0000${index}\u0000${n}`);
    used.add(base.toLowerCase());
    return base;
  });
}
