// Reading model_config (legacy HDF5) and config.json (.keras): which class each layer is.
// Shapes met: Keras 1 and 2.0 Sequential ({class_name, config: [layers]}), Keras 2
// Sequential ({config: {layers}}), Model/Functional ({config: {layers}}), wrappers
// (config.layer, config.backward_layer), RNNs built from cells (config.cell, config.cells).

export interface ConfigLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function entryName(e: Json): string | undefined {
  if (typeof e.name === 'string') return e.name;
  const c = e.config;
  return isObj(c) && typeof c.name === 'string' ? c.name : undefined;
}

/** The class name of the whole model ("Model", "Functional", "Sequential"). */
export function modelClass(config: unknown): string | undefined {
  return isObj(config) && typeof config.class_name === 'string' ? config.class_name : undefined;
}

/** The top-level layers, in the config's order. */
export function topLevelLayers(config: unknown): ConfigLayer[] {
  if (!isObj(config)) return [];
  const c = config.config;
  const list = Array.isArray(c) ? c : isObj(c) && Array.isArray(c.layers) ? c.layers : [];
  const out: ConfigLayer[] = [];
  for (const e of list) {
    if (!isObj(e) || typeof e.class_name !== 'string') continue;
    const name = entryName(e);
    if (name !== undefined) out.push({ name, className: e.class_name, config: isObj(e.config) ? e.config : {} });
  }
  return out;
}

/** name → class name for every layer at any depth (wrapped and nested layers included). */
export function classNamesByLayer(config: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (e: unknown, depth: number): void => {
    if (!isObj(e) || depth > 64) return;
    const name = entryName(e);
    if (typeof e.class_name === 'string' && name !== undefined && !out.has(name)) out.set(name, e.class_name);
    const c = e.config;
    if (Array.isArray(c)) for (const x of c) visit(x, depth + 1);
    if (!isObj(c)) return;
    for (const key of ['layer', 'backward_layer', 'forward_layer', 'cell']) visit(c[key], depth + 1);
    for (const key of ['layers', 'cells']) if (Array.isArray(c[key])) for (const x of c[key] as unknown[]) visit(x, depth + 1);
  };
  visit(config, 0);
  return out;
}

/** keras.src.utils.naming.to_snake_case (K3), which names the groups of a .weights.h5. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/[^\p{L}\p{N}_]+/gu, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The group under `layers/` that Keras 3 saves each layer of a container in, given the
 * layers' class names in config order: the snake-cased class name, uniquified _1, _2, ...
 * (K3 saving_lib `_save_container_state`). A Sequential's `layers` leaves out its InputLayer,
 * which gets no group (undefined) and takes no number.
 */
export function keras3GroupKeys(classNames: readonly string[], sequential: boolean): (string | undefined)[] {
  const used = new Map<string, number>();
  return classNames.map((className) => {
    if (sequential && className === 'InputLayer') return undefined;
    const key = toSnakeCase(className);
    const n = used.get(key);
    used.set(key, (n ?? -1) + 1);
    return n === undefined ? key : `${key}_${n + 1}`;
  });
}

/** For a Keras 3 weights file: the group under `layers/` of each top-level layer of the config. */
export function keras3LayerGroups(config: unknown): Map<string, ConfigLayer> {
  const layers = topLevelLayers(config);
  const keys = keras3GroupKeys(layers.map((l) => l.className), modelClass(config) === 'Sequential');
  const out = new Map<string, ConfigLayer>();
  layers.forEach((l, k) => {
    if (keys[k] !== undefined) out.set(keys[k], l);
  });
  return out;
}
