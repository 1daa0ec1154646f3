// Every format handler the CLI knows. Adapters add one line here.
import { attnlensFormat } from './attnlens.js';
import { registerFormat } from './registry.js';

registerFormat(attnlensFormat);

export { handlerFor, type FormatHandler, type InputFile, type ConvertOptions, type InspectReport } from './registry.js';
