import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  padEndWidth,
  padStartWidth,
  truncateToWidth,
  wrapToWidth,
} from '../../src/text/displayWidth.js';

describe('displayWidth', () => {
  it('counts East Asian wide and fullwidth characters as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('已到账')).toBe(6);
    expect(displayWidth('金额\uff08元\uff09')).toBe(10); // fullwidth parentheses
    expect(displayWidth('金额(元)')).toBe(8);
    expect(displayWidth('D0超限')).toBe(6);
    expect(displayWidth('한국')).toBe(4);
    expect(displayWidth('𠀀')).toBe(2); // outside the BMP
  });

  it('counts combining marks and zero-width characters as none', () => {
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('a\u200bb')).toBe(2);
  });

  it('pads and cuts by columns, never splitting a wide character', () => {
    expect(padEndWidth('在途', 6)).toBe('在途  ');
    expect(padStartWidth('在途', 6)).toBe('  在途');
    // cut: false keeps a longer value whole (a table column that must not hide an RRN or a PAN)
    expect(padEndWidth('6212345600000012', 12, false)).toBe('6212345600000012');
    expect(padStartWidth('暂缓出款', 6, false)).toBe('暂缓出款');
    expect(padEndWidth('暂缓', 6, false)).toBe('暂缓  ');
    expect(truncateToWidth('暂缓出款原因', 7)).toBe('暂缓出…');
    expect(displayWidth(truncateToWidth('暂缓出款原因', 7))).toBeLessThanOrEqual(7);
    expect(truncateToWidth('abcdef', 4)).toBe('abc…');
    expect(truncateToWidth('abc', 4)).toBe('abc');
  });

  it('wraps English at spaces and Chinese between characters, within the width', () => {
    const en = wrapToWidth('settle the batch on the terminal every day before the cut-off time', 20);
    expect(en).toEqual(['settle the batch on', 'the terminal every', 'day before the', 'cut-off time']);
    const zh = wrapToWidth('携交易参考号(RRN)联系收单机构客服,并准备好订单信息', 16);
    for (const l of zh) expect(displayWidth(l)).toBeLessThanOrEqual(16);
    expect(zh.join('')).toBe('携交易参考号(RRN)联系收单机构客服,并准备好订单信息');
  });
});
