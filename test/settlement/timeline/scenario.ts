/** Host (Asia/Shanghai) times for timeline tests. */
import type { HostObservation } from '../../../src/settlement/timeline/buildTimeline.js';

export const HOUR = 3_600_000;

/** 'YYYY-MM-DD hh:mm' Shanghai time as ms since the epoch. */
export function sh(s: string): number {
  const [d, tm] = s.split(' ');
  const [y, mo, day] = d.split('-').map(Number);
  const [h, mi] = tm.split(':').map(Number);
  return Date.UTC(y, mo - 1, day, h, mi) - 8 * HOUR;
}

/** 'YYYY-MM-DD hh:mm' as the host's 'YYYYMMDDhhmmss'. */
export function host(s: string): string {
  return `${s.replace(/[- :]/g, '')}00`;
}

export function obs(
  learnt: string,
  o: Partial<Omit<HostObservation, 'learntAt'>> & Pick<HostObservation, 'status'>,
): HostObservation {
  return { settlementMode: 'T1', delayReason: '00', learntAt: sh(learnt), ...o };
}
