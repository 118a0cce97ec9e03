/** posterm as a library: the layers a terminal maker embeds, each also usable on its own. */
export * from './clock.js';
export * from './errors.js';
export * from './host/index.js';
export * from './iso8583/index.js';
export * from './journal/index.js';
export * from './mask.js';
export { loadProfile, parseProfile, type TerminalProfile } from './profile/loadProfile.js';
export * from './reader/index.js';
export { Runtime, type RuntimeOptions } from './runtime/Runtime.js';
export type { TxnResult } from './txn/types.js';
