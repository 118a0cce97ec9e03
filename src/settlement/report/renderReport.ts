/** One report model in the format asked for (the CLI's --format, the control API's format). */

import { renderHtml } from './renderHtml.js';
import { renderJsonBytes } from './renderJson.js';
import { renderProtobuf } from './renderProtobuf.js';
import { renderTableBytes } from './renderTable.js';
import type { ReportFormat } from './reportFormat.js';
import type { SettlementReport } from './reportModel.js';
import type { ReportLang } from './reportText.js';

/** Text formats as UTF-8 bytes, protobuf as its length-delimited stream. */
export function renderReport(model: SettlementReport, format: ReportFormat, lang: ReportLang): Uint8Array {
  switch (format) {
    case 'table':
      return renderTableBytes(model, lang);
    case 'json':
      return renderJsonBytes(model);
    case 'protobuf':
      return renderProtobuf(model);
    case 'html':
      return Buffer.from(renderHtml(model, lang));
  }
}
