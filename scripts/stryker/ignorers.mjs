/**
 * Stryker ignorers (stryker.config.json, docs/testing.md):
 * - "log-calls": no mutants inside logger calls (`log.warn(...)`, `this.deps.log.info(...)`,
 *   `d.log.error(...)`). A changed log line is no money bug, and asserting every log text would pin
 *   the wording, not the behaviour. Logged card data stays covered by the masking tests.
 * - "crash-points": no mutants inside `crashPoint('name')` calls: test-only fault hooks, inert
 *   without POSTERM_CRASH_POINTS; the chaos tests that fire them run the runtime in a child
 *   process, where no mutant is active.
 */
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

function isLogger(node) {
  if (node.type === 'Identifier') return node.name === 'log';
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    return node.property.name === 'log';
  }
  return false;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-calls', {
    shouldIgnore(path) {
      const n = path.node;
      if (
        n.type === 'CallExpression' &&
        n.callee.type === 'MemberExpression' &&
        !n.callee.computed &&
        n.callee.property.type === 'Identifier' &&
        LEVELS.has(n.callee.property.name) &&
        isLogger(n.callee.object)
      ) {
        return 'a log line: its text and level are not money behaviour';
      }
      return undefined;
    },
  }),
  declareValuePlugin(PluginKind.Ignore, 'crash-points', {
    shouldIgnore(path) {
      const n = path.node;
      if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'crashPoint') {
        return 'a test-only crash point hook';
      }
      return undefined;
    },
  }),
];
