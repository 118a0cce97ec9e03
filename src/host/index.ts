/** The link to the acquirer: framing, connectors, HostLink, HostSession. */
export * from './Backoff.js';
export * from './connectors.js';
export * from './cupPosCodec.js';
export * from './framing.js';
export type { HostCodec } from './HostCodec.js';
export * from './HostEndpoint.js';
export * from './HostLink.js';
export * from './HostLogger.js';
export * from './HostSession.js';
export * from './hostLinkOptionsFromProfile.js';
export * from './ResponseMatcher.js';
