// PLACEHOLDER: replaced by the module that implements `otaship storage`.
import type { Command } from 'commander';

export function register(_program: Command): void {}
