/** noop: registered in Toxiproxy too; forwards everything unchanged. */
import { passThrough, type ToxicDefinition } from './types.js';

export const noopToxic: ToxicDefinition = {
  type: 'noop',
  attributes: [],
  run: (ctx) => passThrough(ctx),
};
