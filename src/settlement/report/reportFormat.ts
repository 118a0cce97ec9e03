/** The settlement report's formats (no renderer imported here: the runtime loads those on demand). */
export const REPORT_FORMATS = ['table', 'json', 'protobuf', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
