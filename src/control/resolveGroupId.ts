/** A group name or numeric gid → gid, read from the group file (`/etc/group` format). */
import { readFileSync } from 'node:fs';
import { PosError } from '../errors.js';

export const GROUP_FILE = '/etc/group';

const KEY = 'control.group';

/** Parses `name:password:gid:members` lines; comments and malformed lines are skipped. */
export function parseGroupFile(text: string): Map<string, number> {
  const byName = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , gid] = line.split(':');
    if (name && gid !== undefined && /^\d+$/.test(gid) && !byName.has(name)) byName.set(name, Number(gid));
  }
  return byName;
}

/**
 * A number is a gid; a string is looked up as a name first, and taken as a gid when it is all
 * digits and no group has that name. Unknown or invalid → CONTROL_SOCKET_GROUP.
 */
export function resolveGroupId(group: string | number, groupFile = GROUP_FILE): number {
  if (typeof group === 'number') {
    if (Number.isSafeInteger(group) && group >= 0) return group;
    throw new PosError('CONTROL_SOCKET_GROUP', `invalid group id ${group}`, { key: KEY, group });
  }
  let byName: Map<string, number>;
  try {
    byName = parseGroupFile(readFileSync(groupFile, 'utf8'));
  } catch (e) {
    if (/^\d+$/.test(group)) return Number(group);
    const errno = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new PosError(
      'CONTROL_SOCKET_GROUP',
      `cannot read ${groupFile} to resolve group '${group}' (${errno})`,
      { key: KEY, group, errno },
      { cause: e },
    );
  }
  const gid = byName.get(group);
  if (gid !== undefined) return gid;
  if (/^\d+$/.test(group) && Number.isSafeInteger(Number(group))) return Number(group);
  throw new PosError('CONTROL_SOCKET_GROUP', `unknown group '${group}' (not in ${groupFile})`, {
    key: KEY,
    group,
  });
}
