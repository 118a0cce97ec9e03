/**
 * The codec's message value: the contract between the codec and every layer above it.
 *
 * Field values are strings, in the form the CLI's JSON shows them:
 * - numeric fields (n): the digits, e.g. "000000012345";
 * - track fields (z): digits with the separator as written by the card, 'D' or '=';
 * - an/ans fields: the text;
 * - binary fields (b) and field 55: uppercase hex.
 * Composite fields (60, 61 ...) hold the whole value; their subfields are read through the dialect.
 */
export interface IsoMessage {
  /** Four digits, e.g. "0200". */
  mti: string;
  fields: Record<number, string>;
}
