import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../../src/profile/loadProfile.js';

/** The bundled emulator profile as raw JSON, for benchmarks to edit. */
// biome-ignore lint/suspicious/noExplicitAny: raw profile JSON edited freely
export function emulatorProfileJson(): Record<string, any> {
  return JSON.parse(readFileSync(join(PROFILES_DIR, 'emulator.json'), 'utf8'));
}
