/**
 * Built-in test cards of the virtual reader: UnionPay BINs (62xxxx), valid Luhn, fake data.
 * Each card chooses the reader's behaviour when it is "presented".
 */
import type { EntryInterface } from '../reader/ActivateResponse.js';

export type TestCardBehaviour =
  | 'online'
  | 'approved-offline'
  | 'declined-offline'
  | 'removed'
  | 'slow'
  | 'no-card';

export interface TestCard {
  name: string;
  pan: string;
  /** YYMM */
  expiry: string;
  panSequence?: string;
  entry: EntryInterface;
  behaviour: TestCardBehaviour;
  /** Service code written into track 2. */
  serviceCode: string;
}

const card = (c: TestCard): TestCard => Object.freeze(c);

export const TEST_CARDS: Readonly<Record<string, TestCard>> = Object.freeze({
  'unionpay-contactless': card({
    name: 'unionpay-contactless',
    pan: '6212345600000012',
    expiry: '3012',
    panSequence: '01',
    entry: 'contactless',
    behaviour: 'online',
    serviceCode: '220',
  }),
  'unionpay-chip': card({
    name: 'unionpay-chip',
    pan: '6217001234567893',
    expiry: '2911',
    panSequence: '00',
    entry: 'contact',
    behaviour: 'online',
    serviceCode: '220',
  }),
  'unionpay-magstripe': card({
    name: 'unionpay-magstripe',
    pan: '6222020000123452',
    expiry: '2806',
    entry: 'magstripe',
    behaviour: 'online',
    serviceCode: '101',
  }),
  'unionpay-offline': card({
    name: 'unionpay-offline',
    pan: '6258070012345673',
    expiry: '3103',
    panSequence: '01',
    entry: 'contactless',
    behaviour: 'approved-offline',
    serviceCode: '220',
  }),
  'declined-offline': card({
    name: 'declined-offline',
    pan: '6214830007654329',
    expiry: '2705',
    panSequence: '01',
    entry: 'contact',
    behaviour: 'declined-offline',
    serviceCode: '220',
  }),
  removed: card({
    name: 'removed',
    pan: '6235010001112229',
    expiry: '2902',
    panSequence: '01',
    entry: 'contact',
    behaviour: 'removed',
    serviceCode: '220',
  }),
  slow: card({
    name: 'slow',
    pan: '6200580003334444',
    expiry: '3001',
    panSequence: '01',
    entry: 'contactless',
    behaviour: 'slow',
    serviceCode: '220',
  }),
  'no-card': card({
    name: 'no-card',
    pan: '6216610005556660',
    expiry: '3001',
    entry: 'contactless',
    behaviour: 'no-card',
    serviceCode: '220',
  }),
});

export const DEFAULT_TEST_CARD = 'unionpay-contactless';

/** Track 2 equivalent: PAN D YYMM service-code discretionary data. */
export function testCardTrack2(c: TestCard): string {
  return `${c.pan}D${c.expiry}${c.serviceCode}0000012345`;
}
