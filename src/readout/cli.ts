#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `openfeature-otel-tracking` command (package.json `bin`). See {@link main}.
 *
 * @module
 */
import process from 'node:process';
import { main } from './cli-main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
