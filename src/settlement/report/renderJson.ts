/**
 * The settlement report as JSON: the model as it is, one object, described by
 * settlement-report.schema.json (docs/reports.md). Stable within schema version 1: fields are
 * only added, never renamed or retyped.
 */
import type { SettlementReport } from './reportModel.js';

export function renderJson(report: SettlementReport): string {
  return `${JSON.stringify(report)}\n`;
}
