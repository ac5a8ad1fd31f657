/**
 * Released migrations are never edited: a database migrated by an earlier release must be migrated by
 * the same statements as a new one. The SHA-256 of each migration's text, per engine, as released.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, type Migration } from '../../src/store/index.js';

const RELEASED: Record<'sqlite' | 'postgres', Record<number, string>> = {
  sqlite: {
    1: '3ef950a1ca1cd10eac9cf725346cb190acba78521e1974aff98a6f9ea1952f14',
    2: '50030349e319a5730e78de27ce898ed9dabe3898394767b76a384fb111818460',
    3: 'ecd623f0564b015641b240d3f6586e1ddd8c0713243f54072dfa65d853d9f70c',
    4: '1e611d1cf5ce38c101482b8aea1eed2bb04441b07b7e073a883122bb07921098',
    5: '6923df1d7b67a6085a119aabc8705a6b56c389b96aba1e578641a60477639e47',
  },
  postgres: {
    1: 'bd81aeeb8578c36f390c09bc92ee94c07f02bb04df43f0ba96b01b49efd10a3d',
    2: '8df6642830420156ef02c0464a06af11ae2c9ff5057b3de3ff4918747d3d3051',
    3: 'ecd623f0564b015641b240d3f6586e1ddd8c0713243f54072dfa65d853d9f70c',
    4: '8b42abc48a7b76cbe3bd65ccb1d7dee05f8e86e109335d01825a020b4a454e96',
    5: 'c10d92ef8c8271e5627dcbbb0ae938296b61ffd03cd8a9ee6250937a561287f3',
  },
};

describe('released schema migrations', () => {
  for (const [engine, migrations] of [
    ['sqlite', SQLITE_MIGRATIONS],
    ['postgres', POSTGRES_MIGRATIONS],
  ] as Array<['sqlite' | 'postgres', readonly Migration[]]>) {
    it(`${engine}: applies the statements each version was released with`, () => {
      for (const m of migrations) {
        const released = RELEASED[engine][m.version];
        if (released === undefined) continue;
        assert.equal(
          createHash('sha256').update(m.sql).digest('hex'),
          released,
          `${engine} migration ${m.version} (${m.name}) was edited; add a new version instead`,
        );
      }
      assert.ok(
        Object.keys(RELEASED[engine]).every((v) => migrations.some((m) => m.version === Number(v))),
        'no released migration is dropped',
      );
    });
  }
});
