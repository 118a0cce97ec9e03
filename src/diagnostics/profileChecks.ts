/**
 * Profile checks: the profile loads and validates; the keys are there and their files are
 * private. Evidence never holds a key: only where it comes from and whether it is usable.
 */
import { type Stats, statSync } from 'node:fs';
import { isPosError } from '../errors.js';
import { profileTmk, type TerminalProfile } from '../profile/loadProfile.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import type { HintId } from './hints.js';

/** `profile.valid`: loads the profile; `onLoaded` receives it for the checks that follow. */
export async function checkProfileValid(
  load: () => TerminalProfile,
  onLoaded: (p: TerminalProfile) => void,
): Promise<CheckOutcome> {
  try {
    const p = load();
    onLoaded(p);
    return pass({
      name: p.name,
      dialect: p.dialect,
      terminalId: p.terminalId,
      readerDevice: p.reader.device,
      primary: `${p.host.primary.tls ? 'tls' : 'tcp'}://${p.host.primary.host}:${p.host.primary.port}`,
      backup: p.host.backup
        ? `${p.host.backup.tls ? 'tls' : 'tcp'}://${p.host.backup.host}:${p.host.backup.port}`
        : null,
    });
  } catch (e) {
    if (!isPosError(e)) throw e;
    return {
      result: 'fail',
      evidence: { code: e.code, key: e.context.key, message: e.message },
      hint: 'profile.invalid',
    };
  }
}

interface FileFinding {
  key: string;
  file: string;
  state: 'ok' | 'missing' | 'open-to-others' | 'unreadable' | 'not-a-file';
  mode?: string;
}

function fileState(key: string, file: string): FileFinding {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    return { key, file, state: errno === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  const mode = (st.mode & 0o777).toString(8);
  if (!st.isFile()) return { key, file, state: 'not-a-file', mode };
  return { key, file, state: (st.mode & 0o077) !== 0 ? 'open-to-others' : 'ok', mode };
}

function hasData(file: string): boolean {
  try {
    return statSync(file).size > 0;
  } catch {
    return false;
  }
}

/**
 * `profile.keys`: a usable TMK (inline or from keys.tmkFile), and the key files (TMK file,
 * journal key file, TLS client key) private to the owner. A missing journal key file is a fail
 * only when the journal exists (the runtime makes the key together with a new journal).
 */
export async function checkProfileKeys(p: TerminalProfile): Promise<CheckOutcome> {
  const problems: { result: 'fail' | 'warn'; hint: HintId; what: string }[] = [];
  const files: FileFinding[] = [];
  let tmk: string;
  try {
    const key = profileTmk(p);
    tmk = `present (${key.length * 8} bits)`;
    key.fill(0);
  } catch (e) {
    if (!isPosError(e)) throw e;
    tmk = e.code;
    const hint: HintId =
      e.code === 'PROFILE_TMK_FILE_MODE'
        ? 'profile.keyFileMode'
        : e.code === 'PROFILE_NOT_FOUND'
          ? 'profile.keyFileUnreadable'
          : 'profile.noTmk';
    problems.push({ result: 'fail', hint, what: `TMK: ${e.code}` });
  }
  if (p.keys.tmkFile) files.push(fileState('keys.tmkFile', p.keys.tmkFile));
  const jk = fileState('journal.keyFile', p.journal.keyFile);
  files.push(jk);
  if (jk.state === 'missing' && hasData(p.journal.path)) {
    problems.push({ result: 'fail', hint: 'profile.journalKeyMissing', what: 'journal key file missing' });
  }
  if (p.host.tls?.key) files.push(fileState('host.tls.key', p.host.tls.key));
  for (const f of files) {
    if (f.state === 'open-to-others') {
      problems.push({ result: 'fail', hint: 'profile.keyFileMode', what: `${f.key} mode ${f.mode}` });
    } else if (f.state === 'unreadable' || f.state === 'not-a-file') {
      problems.push({ result: 'fail', hint: 'profile.keyFileUnreadable', what: `${f.key} ${f.state}` });
    } else if (f.state === 'missing' && f.key !== 'journal.keyFile') {
      problems.push({ result: 'fail', hint: 'profile.keyFileUnreadable', what: `${f.key} missing` });
    }
  }
  const evidence = {
    tmk,
    tmkSource: p.keys.tmk ? 'profile' : p.keys.tmkFile ? 'keys.tmkFile' : 'none',
    files: files.map((f) =>
      f.key === 'journal.keyFile' && f.state === 'missing' && !hasData(p.journal.path)
        ? { ...f, state: 'missing (made at the first start, with the journal)' }
        : f,
    ),
    ...(problems.length ? { problems: problems.map((x) => x.what) } : {}),
  };
  const first = problems.find((x) => x.result === 'fail') ?? problems[0];
  if (!first) return pass(evidence);
  return { result: first.result, evidence, hint: first.hint };
}
