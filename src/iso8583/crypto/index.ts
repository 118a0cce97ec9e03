/** Terminal cryptography: DES/3DES, MACs, PIN blocks, working keys. Pure (node:crypto only). */
export { applyMac, type MacFunction, verifyMac } from './applyMac.js';
export { desCbcChain, desEcbDecrypt, desEcbEncrypt, expandDesKey, xorBytes } from './desEcb.js';
export { type Iso9797Padding, iso9797Mac1, iso9797Mac3, iso9797Mac3Keys, iso9797Pad } from './iso9797Mac.js';
export { checkValue, unwrapKey, wrapKey } from './keyWrap.js';
export { decodePinBlockIso0, encodePinBlockIso0 } from './pinBlockIso0.js';
export { buildSignOnKeys, parseSignOnKeys, SIGN_ON_KEYS_LENGTH, type SignOnKeys } from './signOnKeys.js';
export { runningXorBlocks, type UnionPayMacSteps, unionPayMac, unionPayMacSteps } from './unionPayMac.js';
