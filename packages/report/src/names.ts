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
 * A stable, safe, unique base name (no extension) for each id, a function of the id
 * alone so that every run (and every --select) names a sample the same way and
 * reruns skip finished files. An id that is already a safe lower-case name keeps it;
 * any other gets its slug plus a hash of the id, so "A" and "a" cannot meet on a
 * case-insensitive file system. The `taken` set only guards against an id crafted
 * to equal another's hashed name.
 */
export class SafeNames {
  private readonly byId = new Map<string, string>();
  private readonly taken = new Set<string>();

  get(id: string): string {
    let name = this.byId.get(id);
    if (name) return name;
    const s = slug(id);
    name = s && s === id && s === s.toLowerCase() && !RESERVED.test(s) && !this.taken.has(s) ? s : `${s || 'sample'}-${shortHash(id)}`;
    // A hash collision after slugging is astronomically unlikely; still, never overwrite.
    for (let k = 2; this.taken.has(name.toLowerCase()); k++) name = `${s || 'sample'}-${shortHash(id)}-${k}`;
    this.taken.add(name.toLowerCase());
    this.byId.set(id, name);
    return name;
  }
}
