import type { Tensor } from '@attnlens/core';
export function tsFixtureTensors(f16: (x: number) => number): Record<string, Tensor>;
