#!/usr/bin/env node
// Entry point for `squall`: runs the TypeScript CLI through tsx's ESM loader.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
