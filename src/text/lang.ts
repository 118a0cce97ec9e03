/** The languages user-facing texts come in (English and Chinese). */
export type Lang = 'en' | 'zh';
