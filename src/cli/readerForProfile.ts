/**
 * The reader device a profile names: a real path is used as it is; `emulator` starts the
 * virtual reader in this process (on a free TCP port) with the profile's test card.
 */

import { startVirtualReader, type VirtualReaderServer } from '../emulator/VirtualReaderServer.js';
import type { TerminalProfile } from '../profile/loadProfile.js';

export interface ProfileReader {
  path: string;
  /** Set when the profile asked for the emulator. */
  virtual?: VirtualReaderServer;
  close(): Promise<void>;
}

export async function readerForProfile(profile: TerminalProfile): Promise<ProfileReader> {
  if (profile.reader.device !== 'emulator') return { path: profile.reader.device, close: async () => {} };
  const virtual = await startVirtualReader({ tcpPort: 0, card: profile.reader.emulatorCard });
  return { path: virtual.path, virtual, close: () => virtual.close() };
}
