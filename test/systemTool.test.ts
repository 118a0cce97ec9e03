/** The guard for tests that need a system tool: skip with one line, or fail in CI. */
import { describe, expect, it } from 'vitest';
import { hasTool, toolDecision } from './helpers/systemTool.js';

describe('system tools in tests', () => {
  it('finds sh and not a made-up tool', () => {
    expect(hasTool('sh')).toBe(true);
    expect(hasTool('posterm-no-such-tool')).toBe(false);
  });

  it('runs when present, skips naming the install outside CI, fails in CI', () => {
    expect(toolDecision('socat', 'apt-get install socat', true, { CI: 'true' })).toEqual({ action: 'run' });
    expect(toolDecision('socat', 'apt-get install socat', false, {})).toEqual({
      action: 'skip',
      line: 'socat not installed, tests skipped (apt-get install socat)',
    });
    expect(toolDecision('socat', 'apt-get install socat', false, { CI: 'true' })).toEqual({
      action: 'fail',
      line: 'socat is required when CI=true and is missing: apt-get install socat',
    });
  });
});
