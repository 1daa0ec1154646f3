import { fail } from '@attnlens/core';
import type { FormatHandler } from './registry.js';

// Placeholder until the Keras adapter lands.
export const kerasFormat: FormatHandler = {
  name: 'Keras',
  claims: ['hdf5', 'keras-zip'],
  async inspect({ path, sniff }) {
    return fail('UNSUPPORTED', `${sniff.format} files are not read yet`, { file: path });
  },
};
