/** Scenario "profile": --cpu-prof of our default hook and of withTracking, top frames. */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeCpuProfile } from '../lib/cpuprofile.mjs';
import { P, PROFILE_DIR, round } from '../lib/options.mjs';
import { runWorker } from '../lib/orchestrate.mjs';
import { OURS } from './eval.mjs';

/** Our code in the built library (dist/, not node_modules). */
const ourFrame = (names) => (callFrame) => names.includes(callFrame.functionName) && callFrame.url.includes('/dist/') && !callFrame.url.includes('node_modules');

async function profileWorker(node, arg, focusNames, label) {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const dir = join(PROFILE_DIR, `${label}-${Date.now()}`);
  const result = await runWorker(node, OURS, arg, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return {
    command: `${node} --cpu-prof --cpu-prof-dir bench/.profiles bench/workers/eval.mjs '${JSON.stringify(arg)}'`,
    node: result.node,
    medianCpuUsPerOp: round(result.medianCpuUsPerOp, 3),
    focusFrames: focusNames,
    ...summarizeCpuProfile(join(dir, file), 15, ourFrame(focusNames)),
  };
}

export async function run({ node }) {
  const arg = (sdk, config, kind = sdk) => ({ sdk, config, n: P.n[kind], warmup: P.warmup[kind], rounds: P.profileRounds });
  return {
    evalOursDefaultWeb: await profileWorker(node, arg('web', 'ours-default'), ['finally'], 'eval-web'),
    evalOursDefaultServer: await profileWorker(node, arg('server', 'ours-default'), ['finally'], 'eval-server'),
    evalOursDedupeWeb: await profileWorker(node, arg('web', 'ours-dedupe'), ['finally'], 'dedupe-web'),
    trackOursWeb: await profileWorker(node, arg('web', 'track-ours', 'track'), ['track'], 'track-web'),
  };
}
