// PLACEHOLDER: replaced by the module that implements `otaship lint`.
import type { Command } from 'commander';

export function register(_program: Command): void {}
