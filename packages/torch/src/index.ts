// @attnlens/torch: PyTorch torch.save files (zip of every generation, legacy pickle) and
// safetensors, read by a restricted unpickler that runs nothing; tensors read on demand;
// attention modules found by names and shapes. Browser-safe; files on disk are in
// '@attnlens/torch/node'.
export { openTorch } from './torch-file.js';
export type { TorchFile, TorchFormat } from './torch-file.js';
export { bytesSource } from './source.js';
export type { ByteSource } from './source.js';
export type { TorchTensorInfo } from './tensor-data.js';
export type { TorchEntry } from './walk.js';
export type { TorchDType } from './dtypes.js';
export type { TorchAttention, UnrecognisedAttention, Level } from './classify.js';

import { bytesSource } from './source.js';
import { openTorch } from './torch-file.js';
import type { TorchFile } from './torch-file.js';

/** Open a file already in memory (a browser File's bytes). */
export function openTorchBytes(bytes: Uint8Array, name?: string): Promise<TorchFile> {
  return openTorch(bytesSource(bytes, name));
}
export { inferChain } from './chain.js';
export type { TorchChain, ChainLevel, ChainRnn, ChainEmbedding, ChainInference, ChainOptions, ChainCell } from './chain.js';
export { loadChain, runChain, chainForward } from './chain-run.js';
export type { LoadedChain, ChainRunOptions, ChainTaps, ChainModel, ChainForward } from './chain-run.js';
export { torchSummary, torchFromIds } from './summary.js';
