/** The link to the acquirer: framing, connectors, HostLink, HostSession. */

export { type Logger, silentLogger } from '../log.js';
export * from './Backoff.js';
export * from './connectors.js';
export * from './cupPosCodec.js';
export * from './framing.js';
export type { HostCodec } from './HostCodec.js';
export * from './HostEndpoint.js';
export * from './HostLink.js';
export * from './HostSession.js';
export * from './hostLinkOptionsFromProfile.js';
export * from './ResponseMatcher.js';
