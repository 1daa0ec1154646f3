import type { Command } from 'commander';
import '../formats/index.js';
import { registerInspect } from './inspect.js';
import { registerExtract } from './extract.js';
import { registerConvert } from './convert.js';
import { registerCompute } from './compute.js';
import { registerForward } from './forward.js';
import { registerRender } from './render.js';
import { registerReport } from './report.js';
import { registerDemo } from './demo.js';

export function registerCommands(program: Command): void {
  registerInspect(program);
  registerExtract(program);
  registerCompute(program);
  registerForward(program);
  registerConvert(program);
  registerRender(program);
  registerReport(program);
  registerDemo(program);
}
