#!/usr/bin/env node
// The full fuzz campaign of the inbound path (CI runs a few thousand inputs in test/reliability/fuzz-inbound.test.ts).
// Usage: npm run build && node scripts/fuzz-inbound.mjs [--count 1000000] [--seed N] [--store postgres://…?schema=fuzz]
// Prints progress every 10,000 inputs and the figures as JSON; exit code 1 when any input crashed or went unanswered.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { runInboundFuzz } = await import(path.join(root, 'dist/test/reliability/fuzz-inbound.js'));
const { values } = parseArgs({
  options: { count: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '20261203' }, store: { type: 'string' } },
});
const count = Number(values.count);
const started = Date.now();
const figures = await runInboundFuzz({
  count,
  seed: Number(values.seed),
  ...(values.store ? { storeUrl: values.store } : {}),
  onProgress: (done) =>
    process.stderr.write(
      `${done} / ${count} inputs, ${Math.round(done / ((Date.now() - started) / 1000))} per second, load ${os.loadavg()[0].toFixed(2)}\n`,
    ),
});
console.log(JSON.stringify({ ...figures, node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg() }, null, 2));
process.exit(figures.crashes || figures.unhandledRejections || figures.journaled + figures.redeliveries !== figures.inputs ? 1 : 0);
