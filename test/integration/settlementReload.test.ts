/**
 * Reload of the `settlement.*` profile keys (SIGHUP → Runtime.applyProfile): the contract, the
 * inquiry ceiling and the tracking window apply at the next pass and report; a calendar folder
 * that does not read is refused before anything changes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettlementWeek } from '../../src/cli/settlementWeek.js';
import { loadScenario } from '../../src/emulator/hostScenario.js';
import { isPosError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/loadProfile.js';

describe('settlement keys on a profile reload', () => {
  it('mode, ceiling and window apply live; a bad calendar folder is refused and nothing changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posterm-settle-reload-'));
    const w = await SettlementWeek.start({ dir, scenario: loadScenario('after-cut-off') });
    try {
      const [sale] = await w.play();
      const rt = w.terminals.get('898310000000001')!.rt;
      expect(rt.profile.settlement).toMatchObject({ mode: 'T1' });
      const raw = (settlement: object) => {
        const { baseDir: _, ...rest } = structuredClone(rt.profile);
        return { ...rest, settlement: { ...rt.profile.settlement, ...settlement } };
      };

      // a calendar folder with a file that is not a calendar: refused, the profile as it was
      const cal = join(dir, 'calendar');
      mkdirSync(cal);
      writeFileSync(join(cal, '2027.json'), '{"years": 7}');
      const bad = parseProfile(raw({ mode: 'D0', calendarDir: cal }), dir);
      let err: unknown;
      try {
        rt.applyProfile(bad);
      } catch (e) {
        err = e;
      }
      expect(isPosError(err) && err.code).toBe('SETTLE_CALENDAR_INVALID');
      expect(rt.profile.settlement).toMatchObject({ mode: 'T1' });
      expect(rt.profile.settlement?.calendarDir).toBeUndefined();

      // the contract, the ceiling and the window: applied, read by the next report and pass
      const asked = rt.journal.settlementInquiriesSince(0).length;
      const plan = rt.applyProfile(
        parseProfile(raw({ mode: 'D0', maxInquiriesPerHour: 30, trackDays: 20 }), dir),
      );
      expect(plan.live.sort()).toEqual([
        'settlement.maxInquiriesPerHour',
        'settlement.mode',
        'settlement.trackDays',
      ]);
      expect(plan.restart).toEqual([]);
      expect(rt.profile.settlement).toMatchObject({ mode: 'D0', maxInquiriesPerHour: 30, trackDays: 20 });
      const tl = await rt.settlementTimeline({ rrn: sale.rrn });
      expect(tl.contractMode).toBe('D0');
      // a D0 contract paid T1 by the host: the delay is now behind a D0 ideal
      expect(tl.row.delayMs).toBeGreaterThan(sale.timeline!.row.delayMs!);
      // the tracker planned again at once: nothing is due (all arrived), so nothing was asked
      await w.runTo(w.clock.now() + 60_000);
      expect(rt.journal.settlementInquiriesSince(0)).toHaveLength(asked);
    } finally {
      await w.close();
    }
  }, 60_000);
});
