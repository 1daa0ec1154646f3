import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { displayToken, ellipsize, escapeHtml, estimateTextWidth, resolveDirections, textDirection, visualOrder, directionRuns } from '../src/index.js';

describe('direction', () => {
  it('takes a token direction from its first strong character', () => {
    expect(textDirection('שלום')).toBe('rtl');
    expect(textDirection('مرحبا')).toBe('rtl');
    expect(textDirection('tennis')).toBe('ltr');
    expect(textDirection('网球')).toBe('ltr');
    expect(textDirection('123')).toBeUndefined();
    expect(textDirection('!')).toBeUndefined();
    expect(textDirection('😀')).toBeUndefined();
    expect(textDirection('(שלום)')).toBe('rtl');
  });

  it('gives neutral tokens the direction of both neighbours, else the base', () => {
    expect(resolveDirections(['ממש', 'לא', '!']).dirs).toEqual(['rtl', 'rtl', 'rtl']);
    expect(resolveDirections(['a', 'שלום', '3', 'עולם', 'b']).dirs).toEqual(['ltr', 'rtl', 'rtl', 'rtl', 'ltr']);
    expect(resolveDirections(['a', 'שלום', '!', 'b']).dirs).toEqual(['ltr', 'rtl', 'ltr', 'ltr']);
    expect(resolveDirections(['!', 'שלום']).base).toBe('rtl');
    expect(directionRuns(['ltr', 'rtl', 'rtl', 'ltr'])).toEqual([
      { dir: 'ltr', start: 0, end: 1 }, { dir: 'rtl', start: 1, end: 3 }, { dir: 'ltr', start: 3, end: 4 },
    ]);
  });

  it('reverses RTL runs inside an LTR line and LTR runs inside an RTL line', () => {
    expect(visualOrder(['ltr', 'rtl', 'rtl', 'rtl', 'ltr'], 'ltr')).toEqual([0, 3, 2, 1, 4]);
    expect(visualOrder(['rtl', 'rtl', 'rtl'], 'rtl')).toEqual([2, 1, 0]);
    expect(visualOrder(['rtl', 'ltr', 'ltr', 'rtl'], 'rtl')).toEqual([3, 1, 2, 0]);
  });

  it('visual order is always a permutation', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('ltr' as const, 'rtl' as const), { maxLength: 30 }), fc.constantFrom('ltr' as const, 'rtl' as const), (dirs, base) => {
        expect([...visualOrder(dirs, base)].sort((a, b) => a - b)).toEqual(dirs.map((_, i) => i));
      }),
    );
  });
});

describe('escaping', () => {
  it('escapes all five HTML specials', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });
  it('leaves no raw special character and round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeHtml(s);
        expect(/[<>"']/.test(e)).toBe(false);
        expect(/&(?!amp;|lt;|gt;|quot;|#39;)/.test(e)).toBe(false);
        const back = e.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
        expect(back).toBe(s);
      }),
    );
  });
});

describe('labels', () => {
  it('makes invisible tokens visible', () => {
    expect(displayToken('')).toBe('∅');
    expect(displayToken('a\nb')).toBe('a¶b');
    expect(displayToken('\t')).toBe('⇥');
    expect(displayToken('x\u0000')).toBe('x\ufffd');
    expect(displayToken(42)).toBe('42');
  });

  it('ellipsises to the width and never splits an emoji', () => {
    const measure = (t: string) => [...t].length * 10;
    expect(ellipsize('short', 100, '', measure)).toEqual({ text: 'short', cut: false });
    const e = ellipsize('a-very-long-token', 60, '', measure);
    expect(e).toEqual({ text: 'a-ver…', cut: true });
    const f = ellipsize('👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦', 40, '', (t) => [...new Intl.Segmenter().segment(t)].length * 15);
    expect(f.text).toBe('👩‍👩‍👧‍👦…');
  });

  it('estimates CJK wider than Latin', () => {
    expect(estimateTextWidth('网球', '10px x')).toBe(20);
    expect(estimateTextWidth('il', '10px x')).toBeCloseTo(6.4);
    expect(estimateTextWidth('ab', '10px x')).toBeGreaterThan(estimateTextWidth('il', '10px x'));
  });
});
