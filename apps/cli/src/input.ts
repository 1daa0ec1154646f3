import { fail, type SniffedFormat } from '@attnlens/core';
import { sniffFile } from '@attnlens/core/node';
import { handlerFor, type FormatHandler, type InputFile } from './formats/index.js';

const DESCRIBE: Partial<Record<SniffedFormat, string>> = {
  zip: 'a zip archive that is neither an .npz nor a Keras .keras file',
  pytorch: 'a PyTorch torch.save file (pickle), which attnlens does not read',
  safetensors: 'a safetensors file, which attnlens does not read yet',
  gzip: 'a gzip file',
};

export const ALLOW_EXTERNAL_HELP = 'let an HDF5 file read other files inside DIR (external raw storage, external links); refused by default';

/** Sniff a path and find the handler for it, or fail with a clear UNKNOWN_FORMAT error. */
export async function openInput(path: string, opts: { allowExternal?: string | undefined } = {}): Promise<{ input: InputFile; handler: FormatHandler }> {
  const sniff = await sniffFile(path);
  if (sniff.format === 'empty') fail('UNKNOWN_FORMAT', 'file is empty', { file: path, hint: 'the file was not written completely; write it again' });
  const handler = handlerFor(sniff.format);
  if (!handler) {
    const what = sniff.format === 'unknown' ? 'not a format attnlens reads (its first bytes match no known signature)' : `${DESCRIBE[sniff.format] ?? `a ${sniff.format} file`}; no reader for it is installed`;
    fail('UNKNOWN_FORMAT', what, {
      file: path,
      hint: 'attnlens reads .npy/.npz, Keras .h5/.keras/.weights.h5, TensorProto, TFRecord, TF event files and .attn.pb/.attn.json',
      details: { sniffed: sniff.format },
    });
  }
  return { input: { path, sniff, ...(opts.allowExternal !== undefined ? { allowExternal: opts.allowExternal } : {}) }, handler };
}
