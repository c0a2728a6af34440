#!/usr/bin/env node
// Entry point for `squall`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';
register();
await import('../system/cli/main.ts');
