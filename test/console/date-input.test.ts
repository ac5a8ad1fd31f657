import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { consoleAssetsDir } from '../../src/gateway/console/index.js';

/** The console's date filters read and written as the chosen language writes dates, run in Node as shipped. */
interface DateInputModule {
  parseDateInput(text: string, withTime: boolean): string | null;
  formatDateInput(value: string): string;
}
const load = async () => (await import(pathToFileURL(join(consoleAssetsDir(), 'js', 'date-input.js')).href)) as DateInputModule;

describe('console: date filters', () => {
  it('reads dd/mm/yyyy [hh:mm] and ISO dates into the ISO local value, and writes it back', async () => {
    const { parseDateInput, formatDateInput } = await load();
    assert.equal(parseDateInput('02/03/2026', false), '2026-03-02');
    assert.equal(parseDateInput(' 2/3/2026 ', false), '2026-03-02');
    assert.equal(parseDateInput('02/03/2026 09:30', true), '2026-03-02T09:30');
    assert.equal(parseDateInput('02/03/2026 9h05', true), '2026-03-02T09:05');
    assert.equal(parseDateInput('02/03/2026', true), '2026-03-02T00:00');
    assert.equal(parseDateInput('2026-03-02', false), '2026-03-02');
    assert.equal(parseDateInput('2026-03-02T09:30', true), '2026-03-02T09:30');
    assert.equal(parseDateInput('', true), '');
    assert.equal(formatDateInput('2026-03-02T09:30'), '02/03/2026 09:30');
    assert.equal(formatDateInput('2026-03-02'), '02/03/2026');
  });

  it('refuses what is not a real date instead of rolling it over', async () => {
    const { parseDateInput } = await load();
    for (const bad of ['31/02/2026', '13/13/2026', '02/03/26', 'demain', '02/03/2026 24:00', '02/03/2026 10:75'])
      assert.equal(parseDateInput(bad, true), null, bad);
  });
});
