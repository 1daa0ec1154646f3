import { fail, shardDocuments, type AttentionDocument, type Shard } from '@attnlens/core';
import { openInput } from '../input.js';
import type { ConvertOptions } from '../formats/index.js';

/** Documents from any file `convert` takes: .attn.pb/.attn.json as they are, dumps converted on the fly; only `shard`'s when given. */
export async function* documentsFrom(path: string, opts: ConvertOptions, shard?: Shard): AsyncGenerator<AttentionDocument> {
  const { input, handler } = await openInput(path);
  if (!handler.documents) {
    fail('UNSUPPORTED', `${handler.name} files hold no attention maps`, {
      file: path,
      hint: 'recompute them first: `attnlens compute --model MODEL --inputs X.npy --out OUT.attn.pb`',
    });
  }
  yield* shardDocuments(handler.documents(input, opts), shard);
}
