/**
 * The error code catalogue (issue 9): every code in src/ is catalogued, every catalogued code is
 * used, each entry says what it means and what to do in English and Chinese, and each named
 * predicate accepts exactly the codes its doc comment names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  isErrorCode,
  layerOf,
  PosError,
  type PosErrorLayer,
} from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');
const CATALOGUE_DIR = join(SRC, 'errors');

const LAYERS: readonly PosErrorLayer[] = [
  'READER',
  'ISO',
  'HOST',
  'JOURNAL',
  'TXN',
  'SETTLE',
  'PROFILE',
  'CLI',
  'EMU',
  'CONTROL',
  'DIAG',
];
/** A string that looks like an error code: a layer, an underscore, capitals, digits, underscores. */
const CODE_LIKE = new RegExp(`^(?:${LAYERS.join('|')})_[A-Z0-9_]*$`);
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

interface Found {
  code: string;
  where: string;
}

/** The name of the function a node is in: `function fail(...)` or `const fail = (...) =>`. */
function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n)) return n.name?.text;
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && ts.isVariableDeclaration(n.parent)) {
      return ts.isIdentifier(n.parent.name) ? n.parent.name.text : undefined;
    }
  }
  return undefined;
}

/**
 * Every code-looking string in src/ outside the catalogue: string literals, and template literals
 * that start with a layer (`ISO_${code}`), resolved through the literal first arguments of the
 * calls of the helper they are built in (`fail('TRUNCATED', ...)`). A template of another shape
 * is reported as unresolved, so a new dynamic code cannot slip past.
 */
function scanSource(): { found: Found[]; unresolved: string[] } {
  const found: Found[] = [];
  const unresolved: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (file.startsWith(CATALOGUE_DIR)) continue;
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) =>
      `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const templates: { prefix: string; helper: string; node: ts.Node }[] = [];
    const calls: ts.CallExpression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
        // a literal type (CodeSuffix<'ISO_TLV'>) is not a code; the tsc check covers types
        if (CODE_LIKE.test(n.text) && !ts.isLiteralTypeNode(n.parent))
          found.push({ code: n.text, where: where(n) });
      } else if (ts.isTemplateExpression(n) && CODE_LIKE.test(n.head.text)) {
        const helper = enclosingFunctionName(n);
        const simple = n.templateSpans.length === 1 && n.templateSpans[0].literal.text === '';
        if (helper && simple) templates.push({ prefix: n.head.text, helper, node: n });
        else unresolved.push(`${where(n)}: ${n.getText(sf)}`);
      }
      if (ts.isCallExpression(n)) calls.push(n);
      ts.forEachChild(n, visit);
    };
    visit(sf);
    for (const t of templates) {
      const uses = calls.filter((c) => ts.isIdentifier(c.expression) && c.expression.text === t.helper);
      if (uses.length === 0) unresolved.push(`${where(t.node)}: ${t.helper} is never called`);
      for (const c of uses) {
        const arg = c.arguments[0];
        if (arg && ts.isStringLiteral(arg)) found.push({ code: t.prefix + arg.text, where: where(c) });
        else unresolved.push(`${where(c)}: ${t.helper}(${arg?.getText(sf)}) is not a literal code`);
      }
    }
  }
  return { found, unresolved };
}

const scan = scanSource();

describe('the catalogue covers the source', () => {
  it('finds the codes of PosError constructors, result objects and dynamic helpers', () => {
    const seen = new Set(scan.found.map((f) => f.code));
    // a sample from each way a code is written, so an empty scan cannot pass
    for (const c of ['HOST_UNREACHABLE', 'TXN_SETTLE_FIRST', 'SETTLE_QUEUE_NOT_EMPTY', 'READER_NO_CARD']) {
      expect(seen, c).toContain(c);
    }
    expect(seen).toContain('ISO_TRUNCATED'); // fail('TRUNCATED', ...) in unpack.ts
    expect(seen).toContain('ISO_TLV_BAD_TAG'); // fail('BAD_TAG', ...) in tlv.ts
    expect(scan.unresolved).toEqual([]);
  });

  it('every code-looking string in src/ is catalogued', () => {
    const missing = scan.found.filter((f) => !isErrorCode(f.code)).map((f) => `${f.where}: ${f.code}`);
    expect(missing).toEqual([]);
  });

  it('every catalogued code is used somewhere in src/', () => {
    const seen = new Set(scan.found.map((f) => f.code));
    expect(CODES.filter((c) => !seen.has(c))).toEqual([]);
  });
});

describe('catalogue entries', () => {
  const han = /\p{Script=Han}/u;
  it.each(CODES)('%s has a one-line meaning and action in English and Chinese', (code) => {
    const e: ErrorCodeInfo = ERROR_CODES[code];
    for (const text of [e.en, e.action.en]) {
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(/\n/);
      expect(text).not.toMatch(han);
    }
    for (const text of [e.zh, e.action.zh]) {
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(/\n/);
      expect(text).toMatch(han);
    }
  });

  it('codes are named LAYER_WHAT in capitals', () => {
    for (const c of CODES) {
      expect(c).toMatch(CODE_LIKE);
      expect(LAYERS).toContain(layerOf(c));
    }
  });

  it('every HOST_ and ISO_ code has a host failure class, and no other code has one', () => {
    const hostClasses = ['network', 'no-answer', 'unauthenticated', 'key', 'tls', 'protocol', 'link'];
    for (const c of CODES) {
      const cls = (ERROR_CODES[c] as ErrorCodeInfo).class;
      if (layerOf(c) === 'HOST' || layerOf(c) === 'ISO') expect(hostClasses, c).toContain(cls);
      else if (cls !== undefined) expect(hostClasses, c).not.toContain(cls);
      if (layerOf(c) === 'ISO') expect(cls, c).toBe('protocol');
    }
  });

  it('isErrorCode knows catalogued codes only', () => {
    expect(isErrorCode('HOST_TIMEOUT')).toBe(true);
    expect(isErrorCode('HOST_TIMEOUTS')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

/** Codes named in the doc comment of each exported predicate of src/errors/predicates.ts. */
function predicateComments(): Map<string, string> {
  const file = join(CATALOGUE_DIR, 'predicates.ts');
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    const exported =
      ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    let name: string | undefined;
    if (ts.isFunctionDeclaration(st)) name = st.name?.text;
    else if (ts.isVariableStatement(st)) {
      const d = st.declarationList.declarations[0];
      if (ts.isIdentifier(d.name)) name = d.name.text;
    }
    const doc = ts.getLeadingCommentRanges(text, st.pos)?.at(-1);
    if (name && doc) out.set(name, text.slice(doc.pos, doc.end));
  }
  return out;
}

function namedCodes(comment: string): Set<ErrorCode> {
  const out = new Set<ErrorCode>();
  for (const m of comment.matchAll(/\b[A-Z]{2,}_[A-Z0-9_]*\*?/g)) {
    const token = m[0];
    if (token.endsWith('_*')) {
      const prefix = token.slice(0, -1);
      for (const c of CODES) if (c.startsWith(prefix)) out.add(c);
    } else if (isErrorCode(token)) out.add(token);
    else throw new Error(`predicate comment names ${token}, which is not a code`);
  }
  return out;
}

describe('named predicates', () => {
  const comments = predicateComments();
  const predicates = Object.entries(errors).filter(
    ([name, f]) => typeof f === 'function' && /^is[A-Z]/.test(name) && comments.has(name),
  ) as [string, (e: unknown) => boolean][];

  it('every predicate of predicates.ts is exported from src/errors.ts', () => {
    expect(predicates.map(([n]) => n).sort()).toEqual([...comments.keys()].sort());
    expect(predicates.length).toBeGreaterThanOrEqual(12);
  });

  it.each(predicates)('%s accepts exactly the codes its comment names', (name, pred) => {
    const accepted = CODES.filter((c) => pred(new PosError(c, 'test')));
    expect(accepted.length, name).toBeGreaterThan(0);
    expect(new Set(accepted)).toEqual(namedCodes(comments.get(name)!));
  });

  it.each(predicates)('%s is false for anything but a PosError', (_name, pred) => {
    expect(pred(new Error('HOST_UNREACHABLE'))).toBe(false);
    expect(pred({ code: 'HOST_UNREACHABLE' })).toBe(false);
    expect(pred(undefined)).toBe(false);
  });

  it('the classes nest as the engine relies on', () => {
    for (const c of CODES) {
      const e = new PosError(c, 'test');
      expect(errors.isHostDown(e), c).toBe(errors.isNetworkUnreachable(e) || errors.isNoAnswer(e));
      expect(errors.isSecurityFailure(e), c).toBe(errors.isKeyFailure(e) || errors.isTlsFailure(e));
      // offline approval only when the host is down: never together with a security or protocol failure
      if (errors.isHostDown(e)) {
        expect(errors.isSecurityFailure(e) || errors.isProtocolFailure(e), c).toBe(false);
        expect(errors.isHostFailure(e), c).toBe(true);
      }
      expect(errors.isHostFailure(e), c).toBe(e.layer === 'HOST' || e.layer === 'ISO');
    }
  });
});
