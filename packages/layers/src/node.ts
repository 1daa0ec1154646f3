// Node-only helpers of @attnlens/layers (none yet beyond the browser-safe API).
export * from './index.js';
