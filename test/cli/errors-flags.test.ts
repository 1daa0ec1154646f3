// The CLI's flag names for package errors' neutral option names (apps/cli/src/errors-flags.ts):
// packages say which choice fixes an error (details.option), the CLI's printer adds the flag.
import { describe, expect, it } from 'vitest';
import { AttnlensError } from '@attnlens/core';
import { optionFlags, withFlags } from 'attnlens/dist/errors-flags.js';

describe('errors-flags', () => {
  it('maps one option or several to flags; an unknown name becomes its kebab-case flag', () => {
    expect(optionFlags('layer')).toEqual(['--layer NAME']);
    expect(optionFlags(['layer', 'sentenceLayer'])).toEqual(['--layer NAME', '--sentence-layer NAME']);
    expect(optionFlags('skipCorrupt')).toEqual(['--skip-corrupt']);
    expect(optionFlags(undefined)).toEqual([]);
    expect(optionFlags(3)).toEqual([]);
  });

  it('adds the flags to the hint, keeping code, file and details; leaves an error without an option as it is', () => {
    const e = new AttnlensError({ code: 'AMBIGUOUS', message: 'has 2 attention layers: a, b', file: 'm.h5', hint: 'choose one by name', details: { option: 'layer' } });
    const f = withFlags(e);
    expect(f.toLine()).toBe('m.h5: has 2 attention layers: a, b (hint: choose one by name (--layer NAME))');
    expect([f.code, f.file, f.details]).toEqual(['AMBIGUOUS', 'm.h5', { option: 'layer' }]);
    expect(withFlags(new AttnlensError({ code: 'BAD_ARGUMENT', message: 'x', details: { option: 'maxlen' } })).toLine()).toBe('x (hint: use --maxlen T)');
    const plain = new AttnlensError({ code: 'IO', message: 'y' });
    expect(withFlags(plain)).toBe(plain);
  });
});
