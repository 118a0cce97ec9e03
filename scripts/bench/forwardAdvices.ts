/**
 * Forwarding figure of bench:queue: 1,000 offline sales queued while the host was away, then
 * the host comes back (simulator in its own process) and the runtime starts: seconds from the
 * runtime's start (connect, sign-on) until the last advice is answered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineSaleAdviceRequestToMessage } from '../../src/iso8583/views/cupPos.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { silentLogger } from '../../src/log.js';
import { parseProfile } from '../../src/profile/loadProfile.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import { splitForJournal } from '../../src/txn/requestFields.js';
import { emulatorProfileJson } from './profileJson.js';
import type { QueueFigure } from './queueFigure.js';
import { startSimProcess } from './simProcess.js';

const ADVICES = 1000;

export const forwardAdvicesFigure: QueueFigure = async ({ dir }) => {
  const raw = emulatorProfileJson();
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = {};
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(raw));
  const profile = parseProfile(raw, dir);
  // Amounts ending in 00: no decline rule of the simulator applies.
  const journal = Journal.open({ path: profile.journal.path, key: loadKeyFile(profile.journal.keyFile) });
  for (let i = 0; i < ADVICES; i++) {
    const stan = journal.nextStan();
    const msg = offlineSaleAdviceRequestToMessage({
      terminalId: profile.terminalId,
      merchantId: profile.merchantId,
      pan: '6212345678901232',
      expiry: '3012',
      panSequence: '001',
      entryMode: '07',
      pinCapability: '2',
      iccData: '9F260811223344556677889F2701809F360200019F3704A1B2C3D4',
      stan,
      batch: journal.currentBatch(),
      amountMinor: 10_000 + i * 100,
      localTime: '120000',
      localDate: '1127',
      offlineAuthCode: `Y1${stan.slice(-4)}`,
    });
    const { fields, card } = splitForJournal(msg);
    journal.enqueueAdvice({
      amountMinor: 10_000 + i * 100,
      authCode: `Y1${stan.slice(-4)}`,
      stan,
      card: card!,
      fields,
    });
  }
  journal.close();

  const sim = await startSimProcess();
  raw.host.primary.port = sim.port;
  const t0 = performance.now();
  const rt = await Runtime.start({
    profile: parseProfile(raw, dir),
    log: silentLogger,
    reader: noReader,
  });
  try {
    for (let guard = 0; rt.journal.listQueue('pending').length > 0 && guard < 100; guard++) {
      await rt.forwarder.forwardAll();
    }
    const seconds = (performance.now() - t0) / 1000;
    const left = rt.journal.listQueue('pending').length + rt.journal.listQueue('sent').length;
    const done = rt.journal.listQueue('done').length;
    if (left > 0 || done !== ADVICES) throw new Error(`forwarding incomplete: ${done} done, ${left} left`);
    return { forward_1000_advices_s: Math.round(seconds * 1000) / 1000, advices_forwarded: done };
  } finally {
    await rt.stop();
    sim.stop();
  }
};

const noReader = {
  async readCard(): Promise<never> {
    throw new Error('no card reading in this benchmark');
  },
};
