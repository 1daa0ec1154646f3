// File names for sample ids. Ids come from users' data ("../../etc/passwd",
// "a/b", "CON", "Ünïcode", two ids differing only in case): every name is a plain
// file name inside the output folder, and distinct ids never share one.
import { createHash } from 'node:crypto';

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

function slug(id: string): string {
  const s = id
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .replace(/_+/g, '_')
    .slice(0, 80)
    .replace(/[._]+$/, '');
  return s;
}

function shortHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 8);
}

/**
 * A stable, safe, unique base name (no extension) for each id. An id that is already
 * a safe name keeps it; any other gets its slug plus a hash of the id, so the name is
 * the same on every run (reruns skip finished files) and collisions cannot happen.
 * Names are compared case-insensitively, for case-insensitive file systems.
 */
export class SafeNames {
  private readonly byId = new Map<string, string>();
  private readonly taken = new Set<string>();

  get(id: string): string {
    let name = this.byId.get(id);
    if (name) return name;
    const s = slug(id);
    name = s && s === id && !RESERVED.test(s) && !this.taken.has(s.toLowerCase()) ? s : `${s || 'sample'}-${shortHash(id)}`;
    // A hash collision after slugging is astronomically unlikely; still, never overwrite.
    for (let k = 2; this.taken.has(name.toLowerCase()); k++) name = `${s || 'sample'}-${shortHash(id)}-${k}`;
    this.taken.add(name.toLowerCase());
    this.byId.set(id, name);
    return name;
  }
}
