import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli/main.ts', 'src/index.ts', 'src/client.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  splitting: true,
  sourcemap: true,
  clean: true,
  dts: { entry: ['src/index.ts', 'src/client.ts'] },
  external: ['better-sqlite3', 'serialport', '@serialport/bindings-cpp'],
});
