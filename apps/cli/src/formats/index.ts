// Every format handler the CLI knows. Adapters add one line here.
import { attnlensFormat } from './attnlens.js';
import { npyFormat } from './npy.js';
import { kerasFormat } from './keras.js';
import { tfFormat } from './tf.js';
import { torchFormat } from './torch.js';
import { registerFormat } from './registry.js';

registerFormat(attnlensFormat);
registerFormat(npyFormat);
registerFormat(kerasFormat);
registerFormat(tfFormat);
registerFormat(torchFormat);

export { handlerFor, type FormatHandler, type InputFile, type ConvertOptions, type InspectReport } from './registry.js';
