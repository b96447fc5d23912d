#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader (see README "Why tsx" for the start-up measurement).
import { register } from 'tsx/esm/api';

register();
await import('../generator/cli/bin.ts');
