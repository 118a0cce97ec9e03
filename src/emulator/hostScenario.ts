/**
 * Settlement scenarios of the host simulator (docs/host-simulator.md, "Scenarios"): the engine's
 * settings (contracts, maintenance windows, seed) plus a script of sales and batch settlements
 * with the records expected at given host times. The shipped ones live in ./scenarios/*.json and
 * are bundled here; `loadScenario` also reads a file path.
 */
import { readFileSync } from 'node:fs';
import { PosError } from '../errors.js';
import type { DelayReason, SettlementMode } from '../iso8583/views/cupPosStatusRecord.js';
import accountClass from './scenarios/account-class.json' with { type: 'json' };
import afterCutOff from './scenarios/after-cut-off.json' with { type: 'json' };
import d0Limit from './scenarios/d0-limit.json' with { type: 'json' };
import delayedSettlement from './scenarios/delayed-settlement.json' with { type: 'json' };
import everyCause from './scenarios/every-cause.json' with { type: 'json' };
import holiday from './scenarios/holiday.json' with { type: 'json' };
import maintenance from './scenarios/maintenance.json' with { type: 'json' };
import normalWeek from './scenarios/normal-week.json' with { type: 'json' };
import riskHold from './scenarios/risk-hold.json' with { type: 'json' };
import terminalLate from './scenarios/terminal-late.json' with { type: 'json' };
import transferFailure from './scenarios/transfer-failure.json' with { type: 'json' };
import { checkSettings, HOST_DATE_TIME, type SettlementSettings } from './settlementContract.js';

/** A record expected at host time `at`; times 'YYYY-MM-DD hh:mm', compared only when given. */
export interface ScenarioExpectation {
  at: string;
  status: 'P' | 'C' | 'A' | 'H' | 'F' | 'X';
  reason: DelayReason;
  mode?: SettlementMode;
  expectedArrival?: string;
  clearedAt?: string;
  arrivedAt?: string;
}

export interface ScenarioSale {
  label: string;
  /** The label in Chinese (reports in zh); optional. */
  labelZh?: string;
  /** Host time of the sale. */
  at: string;
  merchant: string;
  /** Fen. */
  amount: number;
  /** Default '000001'. */
  batch?: string;
  /** An offline sale: the host has it only from this host time on (an advice). */
  forwardedAt?: string;
  expect: ScenarioExpectation[];
}

export interface ScenarioBatch {
  batch: string;
  /** Host time the terminal settled it (0500 balanced). */
  settledAt: string;
}

export interface SettlementScenario extends SettlementSettings {
  name: string;
  description: string;
  /** Host time the scenario's clock starts at. */
  start: string;
  batches: ScenarioBatch[];
  sales: ScenarioSale[];
}

const SHIPPED: Record<string, unknown> = {
  'normal-week': normalWeek,
  'after-cut-off': afterCutOff,
  holiday,
  'd0-limit': d0Limit,
  'account-class': accountClass,
  'risk-hold': riskHold,
  maintenance,
  'transfer-failure': transferFailure,
  'delayed-settlement': delayedSettlement,
  'terminal-late': terminalLate,
  'every-cause': everyCause,
};

/** Names of the shipped scenarios. */
export const SCENARIO_NAMES: readonly string[] = Object.keys(SHIPPED);

function bad(source: string, key: string, why: string): never {
  throw new PosError('EMU_SCENARIO_INVALID', `settlement scenario ${source}: '${key}' ${why}`, {
    file: source,
    key,
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function hostTime(source: string, key: string, v: unknown): void {
  if (typeof v !== 'string' || !HOST_DATE_TIME.test(v))
    bad(source, key, "must be host time 'YYYY-MM-DD hh:mm'");
}

/** Check parsed JSON against the scenario format; a PosError EMU_SCENARIO_INVALID names the key. */
export function parseScenario(raw: unknown, source: string): SettlementScenario {
  if (!isObject(raw)) bad(source, '(top)', 'must be a JSON object');
  if (typeof raw.name !== 'string' || raw.name === '') bad(source, 'name', 'must be a non-empty string');
  if (typeof raw.description !== 'string') bad(source, 'description', 'must be a string');
  hostTime(source, 'start', raw.start);
  checkSettings(source, raw);
  if (!Array.isArray(raw.batches)) bad(source, 'batches', 'must be an array');
  raw.batches.forEach((b: unknown, i: number) => {
    if (!isObject(b) || typeof b.batch !== 'string' || !/^\d{6}$/.test(b.batch))
      bad(source, `batches.${i}.batch`, 'must be 6 digits');
    hostTime(source, `batches.${i}.settledAt`, b.settledAt);
  });
  if (!Array.isArray(raw.sales)) bad(source, 'sales', 'must be an array');
  raw.sales.forEach((s: unknown, i: number) => {
    const k = `sales.${i}`;
    if (!isObject(s)) bad(source, k, 'must be an object');
    hostTime(source, `${k}.at`, s.at);
    if (typeof s.label !== 'string' || s.label === '')
      bad(source, `${k}.label`, 'must be a non-empty string');
    if (s.labelZh !== undefined && typeof s.labelZh !== 'string')
      bad(source, `${k}.labelZh`, 'must be a string');
    if (s.forwardedAt !== undefined) hostTime(source, `${k}.forwardedAt`, s.forwardedAt);
    if (typeof s.merchant !== 'string' || !/^[\x20-\x7e]{1,15}$/.test(s.merchant))
      bad(source, `${k}.merchant`, 'must be a merchant id (field 42)');
    if (
      typeof s.amount !== 'number' ||
      !Number.isInteger(s.amount) ||
      s.amount < 1 ||
      s.amount > 999_999_999_999
    )
      bad(source, `${k}.amount`, 'must be a whole number of fen');
    if (s.batch !== undefined && (typeof s.batch !== 'string' || !/^\d{6}$/.test(s.batch)))
      bad(source, `${k}.batch`, 'must be 6 digits');
    if (!Array.isArray(s.expect)) bad(source, `${k}.expect`, 'must be an array');
    s.expect.forEach((e: unknown, j: number) => {
      const ek = `${k}.expect.${j}`;
      if (!isObject(e)) bad(source, ek, 'must be an object');
      hostTime(source, `${ek}.at`, e.at);
      if (!['P', 'C', 'A', 'H', 'F', 'X'].includes(e.status as string))
        bad(source, `${ek}.status`, 'is not P, C, A, H, F or X');
      if (typeof e.reason !== 'string' || !/^0\d$/.test(e.reason))
        bad(source, `${ek}.reason`, 'is not 00..09');
      for (const t of ['expectedArrival', 'clearedAt', 'arrivedAt'])
        if (e[t] !== undefined) hostTime(source, `${ek}.${t}`, e[t]);
    });
  });
  return raw as unknown as SettlementScenario;
}

/** A shipped scenario by name, or a scenario file by path (a name ending in .json). */
export function loadScenario(nameOrPath: string): SettlementScenario {
  if (nameOrPath.endsWith('.json')) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(nameOrPath, 'utf8'));
    } catch (e) {
      throw new PosError(
        'EMU_SCENARIO_INVALID',
        `settlement scenario ${nameOrPath}: ${(e as Error).message}`,
        {
          file: nameOrPath,
        },
      );
    }
    return parseScenario(raw, nameOrPath);
  }
  const raw = SHIPPED[nameOrPath];
  if (raw === undefined) {
    throw new PosError(
      'EMU_SCENARIO_INVALID',
      `unknown settlement scenario '${nameOrPath}' (one of ${SCENARIO_NAMES.join(', ')}, or a .json file)`,
      { key: 'scenario' },
    );
  }
  return parseScenario(raw, `${nameOrPath}.json`);
}
