import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/paths.js';
import { environmentReadBy } from './environment-reads.js';

/** Every command and sub-command, as the words typed after `cisis-tlr`. */
function commandsOf(command: Command, prefix: string[] = []): Array<{ words: string[]; command: Command }> {
  return command.commands.flatMap((c) => {
    const words = [...prefix, c.name()];
    return [{ words, command: c }, ...commandsOf(c, words)];
  });
}

/** The module that declares a command: `commands/<a>-<b>.ts` for `a b` when it exists, else its parent's. */
function moduleOf(words: readonly string[]): string {
  for (let n = words.length; n > 0; n--) {
    const file = `${words.slice(0, n).join('-')}.ts`;
    if (existsSync(path.join(repoRoot, 'src', 'cli', 'commands', file))) return file;
  }
  throw new Error(`no module for ${words.join(' ')}`);
}

function help(words: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(repoRoot, 'bin', 'cisis-tlr.js'), ...words, '--help'], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/** The lines of a help section (`Title:` up to the next blank line). */
function section(text: string, title: string): string[] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

/** A description starts in lower case, as commander's own ("display help for command"), unless with an acronym or a name. */
const LOWER_START = /^(?:[a-z0-9$(`'"-]|[A-Z0-9]{2,}\b|[A-Z][a-z]*[A-Z]|PEM|ISO|Chromium|Schematron|Téléradiologie|ANS)/;

const commands = commandsOf(buildProgram([]));

describe('cisis-tlr --help', () => {
  it('knows every command (a new command gets its help checked here)', () => {
    assert.ok(commands.length >= 14, commands.map((c) => c.words.join(' ')).join(', '));
  });

  for (const { words } of commands.filter((c) => c.words[0] !== 'help')) {
    const name = words.join(' ');
    it(`${name}: an Examples section, and every CISIS_TLR_* variable its code reads (and no other)`, async () => {
      const text = await help(words);
      const examples = section(text, 'Examples:');
      assert.ok(examples && examples.length > 1, `${name} --help has examples`);
      assert.ok(
        examples.slice(1).every((l) => (/^ {2}\S/.test(l) && l.includes('cisis-tlr')) || /^ {2}(systemctl|CISIS_TLR_)/.test(l)),
        examples.join('\n'),
      );
      const read = environmentReadBy(moduleOf(words));
      const envLines = section(text, 'Environment variables');
      assert.ok(envLines, `${name} --help says which environment variables it reads`);
      const listed = envLines.flatMap((l) => [...l.matchAll(/\b(CISIS_TLR_[A-Z0-9_]+)\b/g)].map((m) => m[1]!));
      assert.deepEqual([...new Set(listed)].sort(), read, `${name}: the variables listed are those ${moduleOf(words)} reads`);
      if (read.length === 0) assert.match(envLines[0]!, /none/);
    });
  }

  it('descriptions of commands and options start in lower case, as commander’s own', () => {
    const wrong: string[] = [];
    for (const { words, command } of commands) {
      if (!LOWER_START.test(command.description())) wrong.push(`${words.join(' ')}: ${command.description()}`);
      for (const o of command.options) if (!LOWER_START.test(o.description)) wrong.push(`${words.join(' ')} ${o.flags}: ${o.description}`);
    }
    assert.deepEqual(wrong, []);
  });
});
