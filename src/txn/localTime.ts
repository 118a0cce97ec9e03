/** Wall-clock parts in the profile's time zone (fields 12/13 are the terminal's local time). */
export function localParts(ms: number, timeZone: string): { mmdd: string; hhmmss: string; yymmdd: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: '2-digit',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return {
    mmdd: get('month') + get('day'),
    hhmmss: get('hour') + get('minute') + get('second'),
    yymmdd: get('year') + get('month') + get('day'),
  };
}
