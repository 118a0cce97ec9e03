/** Small builders shared by the buildTimeline rule tests. */
import type { buildTimeline, SettlementFacts } from '../../../src/settlement/timeline/buildTimeline.js';
import { HOUR, sh } from './scenario.js';

export function online(
  auth: string,
  batch?: string,
  observations: SettlementFacts['observations'] = [],
): SettlementFacts {
  return {
    authorisedAt: sh(auth),
    approval: 'online',
    ...(batch ? { batchSettledAt: sh(batch) } : {}),
    observations,
  };
}

export const segs = (tl: ReturnType<typeof buildTimeline>) =>
  tl.segments.map((s) => [s.cause, s.basis, s.ms / HOUR, s.hostReason, s.hostStatus]);
