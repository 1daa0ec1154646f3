import { fail } from '@attnlens/core';
import type { FormatHandler } from './registry.js';

// Placeholder until the TensorFlow adapter lands.
export const tfFormat: FormatHandler = {
  name: 'TensorFlow',
  claims: ['tensorproto', 'tfrecord', 'tfevents', 'gzip'],
  async inspect({ path, sniff }) {
    return fail('UNSUPPORTED', `${sniff.format} files are not read yet`, { file: path });
  },
};
