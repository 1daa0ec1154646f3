// The package's two entries: the names the API contract promises. That the main entry loads in a
// browser (no Node module, no h5wasm, no fflate) is checked in test/packages/browser-safety.test.ts.
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node.js';

describe('public API', () => {
  it('exports what the contract names', () => {
    expect(Object.keys(main).sort()).toEqual(['classifyAttention', 'findAttentionLayers', 'keras3GroupKeys', 'looksLikeAttention', 'openKerasHdf5', 'parsePythonJson', 'toSnakeCase']);
    expect(Object.keys(node)).toEqual(['openKeras']);
  });
});
