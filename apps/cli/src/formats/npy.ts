import { fail } from '@attnlens/core';
import type { FormatHandler } from './registry.js';

// Placeholder until the NumPy adapter lands.
export const npyFormat: FormatHandler = {
  name: 'NumPy',
  claims: ['npy', 'npz'],
  async inspect({ path, sniff }) {
    return fail('UNSUPPORTED', `${sniff.format} files are not read yet`, { file: path });
  },
};
