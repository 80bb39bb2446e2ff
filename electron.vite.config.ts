import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { stageReportResources } from './app/report/resources';

/** Copies the report's template and font into out/report/ after main is built (the app ships no node_modules). */
const reportResources = () => ({
  name: 'evidence-report-resources',
  async closeBundle() {
    await stageReportResources(__dirname, resolve(__dirname, 'out'));
  },
});

// main: ESM (out/main/index.js and the host process's out/main/host.js), self-contained; preload: CJS (out/preload/index.cjs), required by
// `sandbox: true`, self-contained too (a sandboxed preload can require only 'electron').
export default defineConfig({
  main: {
    plugins: [reportResources()],
    build: {
      // Bundle every dependency into main (only electron and node: stay external): the packaged app then needs no
      // node_modules, which keeps app.asar small and packing fast (see electron-builder.yml).
      externalizeDeps: false,
      // index.js: the main process; host.js: the workstation host's utility process (electron/host-process.ts).
      rollupOptions: { input: { index: resolve(__dirname, 'electron/main.ts'), host: resolve(__dirname, 'electron/host-process.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (the contract needs zod).
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } } },
  },
});
