import { fail } from '@attnlens/core';
import type { Hdf5File } from '../hdf5-file.js';

/**
 * A Keras string-list attribute (layer_names, weight_names): the attribute itself, or the
 * chunks name0, name1, ... that Keras >= 2.1.5 writes when it exceeds 64 KB, concatenated
 * until the next index is missing (FORMATS.md §1.3). An empty numeric attribute is the
 * empty list Keras writes for weightless layers. Undefined when absent.
 */
export function stringList(h5: Hdf5File, path: string, name: string): string[] | undefined {
  const names = h5.attrNames(path);
  if (names.includes(name)) return asList(h5, path, name);
  if (!names.includes(`${name}0`)) return undefined;
  const out: string[] = [];
  for (let i = 0; names.includes(`${name}${i}`); i++) out.push(...asList(h5, path, `${name}${i}`));
  return out;
}

function asList(h5: Hdf5File, path: string, name: string): string[] {
  const v = h5.attr(path, name);
  if (v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (Array.isArray(v) && v.length === 0) return [];
  return fail('CORRUPT', `the attribute ${name} of /${path} should list names but holds ${typeof v === 'number' ? 'a number' : 'numbers'}`, {
    file: h5.file,
    hint: 'the file was not written by Keras, or was edited',
  });
}

/** A string attribute stored as a scalar or as a 1-element array; undefined when absent. */
export function stringAttr(h5: Hdf5File, path: string, name: string): string | undefined {
  if (!h5.attrNames(path).includes(name)) return undefined;
  const v = h5.attr(path, name);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** A numeric attribute stored as a scalar or a 1-element array. */
export function numberAttr(h5: Hdf5File, path: string, name: string): number | undefined {
  if (!h5.attrNames(path).includes(name)) return undefined;
  const v = h5.attr(path, name);
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return v[0];
  return undefined;
}

export const join = (...parts: string[]) => parts.filter((p) => p !== '').join('/');

/** Compare names the way a person counts: dense_2 before dense_10, vars/9 before vars/10. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.split(/(\d+)/);
  const rb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    if (ra[i] === rb[i]) continue;
    if (i % 2 === 1) return Number(ra[i]) - Number(rb[i]) || ra[i]!.length - rb[i]!.length;
    return ra[i]! < rb[i]! ? -1 : 1;
  }
  return ra.length - rb.length;
}
