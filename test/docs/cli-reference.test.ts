// docs/reference/cli.md is generated from the commands' own help (scripts/gen-cli-docs.ts): the
// committed page must be what the generator writes today, so the reference cannot drift from the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLI_REFERENCE_PATH, renderCliReference } from '../../scripts/gen-cli-docs.js';
import { buildProgram } from '../../src/cli/program.js';

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

test('docs/reference/cli.md is up to date with the commands\' help (run `npm run docs:cli` after changing a command)', () => {
  assert.equal(readFileSync(CLI_REFERENCE_PATH, 'utf8'), renderCliReference(), `${CLI_REFERENCE_PATH} is stale: run npm run docs:cli`);
});

test('every command and option has a description, and the reference shows each command\'s usage and options', () => {
  const page = renderCliReference();
  for (const cmd of allCommands(buildProgram())) {
    const name = [cmd.parent?.parent ? cmd.parent.name() : '', cmd.name()].filter(Boolean).join(' ');
    assert.ok(cmd.description().length > 10, `otaship ${name} has no description`);
    for (const option of cmd.options) assert.ok(option.description.length > 3, `otaship ${name} ${option.flags} has no description`);
    assert.ok(page.includes(`## \`otaship ${name}\``), `the reference has no section for otaship ${name}`);
    assert.ok(page.includes(`Usage: otaship ${name} `), `the reference has no usage line for otaship ${name}`);
    for (const option of cmd.options) assert.ok(page.includes(option.flags), `the reference leaves out ${option.flags} of otaship ${name}`);
  }
});
