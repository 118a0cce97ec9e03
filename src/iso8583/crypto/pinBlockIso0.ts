/**
 * ISO 9564-1 format 0 (ANSI X9.8) clear PIN block. Pure.
 *
 * PIN field: `0`, PIN length (4..12), the PIN digits, `F` fill to 16 nibbles.
 * PAN field: `0000` + the 12 rightmost PAN digits excluding the check digit.
 * Block = PIN field XOR PAN field. Errors never contain the PIN or the PAN.
 */
import { PosError } from '../../errors.js';
import { xorBytes } from './desEcb.js';

function panField(pan: string): Buffer {
  if (!/^\d{8,19}$/.test(pan)) {
    throw new PosError('ISO_BAD_PAN', 'PAN for the PIN block must be 8 to 19 digits', {
      length: pan.length,
    });
  }
  const digits = pan.slice(0, -1).slice(-12).padStart(12, '0');
  return Buffer.from(`0000${digits}`, 'hex');
}

/** The 8-byte clear format 0 PIN block of a 4 to 12 digit PIN. */
export function encodePinBlockIso0(pin: string, pan: string): Buffer {
  if (!/^\d{4,12}$/.test(pin)) {
    throw new PosError('ISO_BAD_PIN', 'PIN must be 4 to 12 digits', { length: pin.length });
  }
  const pinField = Buffer.from(`0${pin.length.toString(16)}${pin}`.padEnd(16, 'F'), 'hex');
  return xorBytes(pinField, panField(pan));
}

/** The PIN inside a clear format 0 PIN block; PosError ISO_BAD_PIN_BLOCK when it is malformed. */
export function decodePinBlockIso0(block: Uint8Array, pan: string): string {
  const bad = (reason: string): never => {
    throw new PosError('ISO_BAD_PIN_BLOCK', `format 0 PIN block rejected: ${reason}`, { reason });
  };
  if (block.length !== 8) bad(`length ${block.length} bytes, expected 8`);
  const nibbles = xorBytes(block, panField(pan)).toString('hex').toUpperCase();
  if (nibbles[0] !== '0') bad('control field is not 0');
  const len = Number.parseInt(nibbles[1], 16);
  if (len < 4 || len > 12) bad(`PIN length ${len} outside 4..12`);
  const pin = nibbles.slice(2, 2 + len);
  if (!/^\d+$/.test(pin)) bad('PIN digit is not 0-9');
  if (!/^F*$/.test(nibbles.slice(2 + len))) bad('fill is not F');
  return pin;
}
