export * from './CardVault.js';
export * from './Journal.js';
export * from './loadKeyFile.js';
export * from './migrations.js';
export * from './types.js';
