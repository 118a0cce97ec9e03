/**
 * Tests that need a system tool (socat, chromium ...). Where the tool is missing they skip with
 * one visible line naming what to install; with CI=true the tool is required and its absence
 * fails the run.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

const found = new Map<string, boolean>();

/** True when `tool` is on the PATH. */
export function hasTool(tool: string): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0;
    found.set(tool, ok);
  }
  return ok;
}

export type ToolDecision = { action: 'run' } | { action: 'skip' | 'fail'; line: string };

/** What a block that needs `tool` does: run it, skip it with a line, or fail (CI). */
export function toolDecision(
  tool: string,
  install: string,
  present: boolean,
  env: NodeJS.ProcessEnv,
): ToolDecision {
  if (present) return { action: 'run' };
  if (env.CI === 'true')
    return { action: 'fail', line: `${tool} is required when CI=true and is missing: ${install}` };
  return { action: 'skip', line: `${tool} not installed, tests skipped (${install})` };
}

/**
 * `describe` for a block that needs `tool` (see toolDecision). `present` replaces the PATH check
 * when the need is more than a command (e.g. a Python module).
 */
export function describeWithTool(tool: string, install: string, present = () => hasTool(tool)) {
  return (name: string, body: () => void): void => {
    const d = toolDecision(tool, install, present(), process.env);
    if (d.action === 'run') describe(name, body);
    else if (d.action === 'fail')
      describe(name, () => {
        it(`needs ${tool}`, () => {
          throw new Error(d.line);
        });
      });
    else {
      process.stderr.write(`skipped '${name}': ${d.line}\n`);
      describe.skip(name, body);
    }
  };
}
