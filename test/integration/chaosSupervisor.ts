/**
 * Keeps one runtime child alive for the chaos run: starts it (with or without crash points),
 * counts how each one ended (SIGKILL by the parent or at a crash point, clean stop, anything
 * else is a finding) and restarts it on the same journal.
 */
import { JOURNAL_FAULTS_ENV, JOURNAL_FAULTS_SEED_ENV } from '../../src/journal/journalFaults.js';
import { CRASH_POINTS_ENV, CRASH_SEED_ENV } from '../../src/txn/crashPoints.js';
import { type ChildExit, RuntimeChild, RuntimeChildDied } from '../helpers/RuntimeChild.js';

export interface SupervisorOptions {
  profileFile: string;
  logFile: string;
  /** POSTERM_CRASH_POINTS while crash points are wanted ('' for none). */
  crashPoints: string;
  /** POSTERM_JOURNAL_FAULTS while crash points are wanted ('' or undefined for none). */
  journalFaults?: string;
  /** Each start draws its crash points (and journal faults) from seed * 1000 + start number. */
  seed: number;
  /** For a restart: ms after which to SIGKILL the child if it is not ready yet, or undefined. */
  killWhileStarting?: () => number | undefined;
}

export class RuntimeSupervisor {
  kills = 0;
  killsAtCrashPoints = 0;
  /** Kills of a child that was still starting (by the parent or at a crash point). */
  killsWhileStarting = 0;
  starts = 0;
  /** Disk-full episodes the children reported (journalFaults.ts writes one stderr line each). */
  diskFullEpisodes = 0;
  readonly problems: string[] = [];
  private current?: RuntimeChild;

  constructor(private readonly o: SupervisorOptions) {}

  /** The running child (start() first). */
  get child(): RuntimeChild {
    if (!this.current) throw new Error('no runtime started');
    return this.current;
  }

  /**
   * Starts a child and waits until its control socket is ready. A crash point may fire while it
   * starts (its forwarder runs at once), or a SIGKILL (killWhileStarting): that counts as a kill
   * and it is started again.
   */
  async start(withCrashPoints: boolean, killWhileStarting = false): Promise<RuntimeChild> {
    for (let tries = 0; ; tries++) {
      this.starts++;
      const env: Record<string, string> = withCrashPoints
        ? {
            [CRASH_POINTS_ENV]: this.o.crashPoints,
            [CRASH_SEED_ENV]: String(this.o.seed * 1000 + this.starts),
            [JOURNAL_FAULTS_ENV]: this.o.journalFaults ?? '',
            [JOURNAL_FAULTS_SEED_ENV]: String((this.o.seed * 1000 + this.starts) ^ 0x5eed),
          }
        : { [CRASH_POINTS_ENV]: '', [JOURNAL_FAULTS_ENV]: '' };
      try {
        this.current = await RuntimeChild.start({
          profileFile: this.o.profileFile,
          logFile: this.o.logFile,
          env,
          killIfNotReadyMs: killWhileStarting && tries < 5 ? this.o.killWhileStarting?.() : undefined,
        });
        return this.current;
      } catch (e) {
        if (!(e instanceof RuntimeChildDied) || e.exit.signal !== 'SIGKILL' || tries >= 50) throw e;
        this.killsWhileStarting++;
        this.count(e.exit, e.stderr, false);
      }
    }
  }

  /** After the child died: count how, start a new one (with crash points). */
  async restart(): Promise<RuntimeChild> {
    const dead = this.child;
    this.count(await dead.exited, dead.stderr, false);
    return this.start(true, true);
  }

  /** SIGTERM: must end with exit code 0. */
  async stop(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c) this.count(await c.stop(), c.stderr, true);
  }

  /** Leaves nothing running (cleanup). */
  async kill(): Promise<void> {
    await this.current?.kill();
    this.current = undefined;
  }

  /** Disk-full episodes so far, the running child's included. */
  get diskFullEpisodesSoFar(): number {
    return this.diskFullEpisodes + (this.current ? episodesIn(this.current.stderr) : 0);
  }

  private count(exit: ChildExit, stderr: string, clean: boolean): void {
    this.diskFullEpisodes += episodesIn(stderr);
    const atCrashPoint = stderr.includes('posterm crash point');
    // a crash point may also fire right before a clean stop
    if (exit.signal === 'SIGKILL' && (!clean || atCrashPoint)) {
      this.kills++;
      if (atCrashPoint) this.killsAtCrashPoints++;
    } else if (!(clean && exit.code === 0)) {
      this.problems.push(
        `runtime exited with code ${exit.code} signal ${exit.signal}: ${stderr.slice(-500)}`,
      );
    }
  }
}

function episodesIn(stderr: string): number {
  return stderr.match(/^posterm journal fault disk-full/gm)?.length ?? 0;
}
