// Tensor -> .npy bytes, as NumPy's np.save writes them. npyjs's `dump` is not used:
// it pads the header to 8 bytes rather than 64, cannot write float16 or bool (they
// come out as u2 and u1), and has no version 2.0 header.
import { fail, tensor, type Tensor } from '@attnlens/core';
import { encodeNpyHeader } from './header.js';
import { HOST_LITTLE_ENDIAN, swapBytes } from './order.js';

/** The data bytes of a tensor as a little-endian .npy holds them (a view when possible). */
export function npyDataBytes(t: Tensor): Uint8Array {
  const checked = tensor(t.dtype, t.shape, t.data);
  const d = checked.data;
  let b = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  if (t.dtype === 'bool' && b.some((x) => x > 1)) b = b.map((x) => (x ? 1 : 0));
  if (!HOST_LITTLE_ENDIAN && d.BYTES_PER_ELEMENT > 1) {
    b = b.slice();
    swapBytes(b, d.BYTES_PER_ELEMENT);
  }
  return b;
}

/** A complete .npy (version 1.0, or 2.0 when the header needs it), C order, little-endian. */
export function encodeNpy(t: Tensor): Uint8Array {
  if (!t || typeof t !== 'object' || !('dtype' in t)) fail('BAD_ARGUMENT', 'encodeNpy needs a Tensor');
  const data = npyDataBytes(t);
  const head = encodeNpyHeader(t.dtype, t.shape);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}
