/**
 * Replay artifacts: everything needed to reproduce a simulation run exactly —
 * the validated scenario, the seed, the swarm schedule (possibly shrunk by
 * fast-check), the fault timeline, the squall version, the trace hash and the
 * violations. `squall replay FILE` re-runs it and compares the trace hash.
 * Files under scenarios/regressions/ are artifacts too: each is replayed by
 * the default test suite as a pinned regression (it must pass now).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SquallError, ErrorCode } from '../../system/core/index.js';
import { SQUALL_VERSION } from '../version.js';
import type { CheckedSimRun, ViolationSummary } from './run.js';
import { summarizeViolation } from './run.js';
import type { Scenario } from './schema.js';
import { ScenarioSchema } from './validate.js';
import type { ScheduledFault } from './swarm.js';

const ARTIFACT_VERSION = 1;

export interface Artifact {
  artifactVersion: typeof ARTIFACT_VERSION;
  squallVersion: string;
  createdAt: string;
  scenarioFile?: string;
  scenario: Scenario;
  seed: number;
  /** The swarm schedule that ran (the replay uses it instead of re-sampling). */
  swarm: ScheduledFault[];
  /** The whole fault timeline (file timeline plus swarm), for readers. */
  faultTimeline: ScheduledFault[];
  /** Present when fast-check found (and shrank) the schedule: replay with fc's seed and path. */
  fastCheck?: { seed: number; path: string; numRuns: number };
  /** The run had BUGGIFY on (scenario field or --buggify): the replay turns it on too. */
  buggify?: boolean;
  traceHash: string;
  passed: boolean;
  violations: ViolationSummary[];
  /** The run crashed (exception, unhandled rejection): what and where. */
  crash?: CheckedSimRun['crash'];
}

const ArtifactShape = z.looseObject({
  artifactVersion: z.literal(ARTIFACT_VERSION),
  squallVersion: z.string(),
  scenario: z.unknown(),
  seed: z.number().int(),
  swarm: z.array(z.unknown()),
  traceHash: z.string(),
});

export function makeArtifact(run: CheckedSimRun, extra: { scenarioFile?: string; fastCheck?: Artifact['fastCheck'] } = {}): Artifact {
  const o = run.outcome;
  return {
    artifactVersion: ARTIFACT_VERSION,
    squallVersion: SQUALL_VERSION,
    createdAt: new Date().toISOString(),
    ...(extra.scenarioFile === undefined ? {} : { scenarioFile: extra.scenarioFile }),
    scenario: o.scenario,
    seed: o.seed,
    swarm: o.swarm,
    faultTimeline: o.faults,
    ...(extra.fastCheck === undefined ? {} : { fastCheck: extra.fastCheck }),
    ...(o.buggify === null ? {} : { buggify: true }),
    traceHash: o.traceHash,
    passed: run.passed,
    violations: run.violations.map(summarizeViolation),
    ...(run.crash === undefined ? {} : { crash: run.crash }),
  };
}

export async function writeArtifact(path: string, artifact: Artifact): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(artifact, null, 2)}\n`);
}

/** Reads and validates an artifact; the scenario inside is re-validated with the current schema. */
export async function readArtifact(path: string): Promise<Artifact> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    throw new SquallError(ErrorCode.InvalidArgument, `${path}: not a readable JSON artifact: ${(err as Error).message}`);
  }
  const shape = ArtifactShape.safeParse(raw);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    throw new SquallError(ErrorCode.InvalidArgument, `${path}: not a squall artifact: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
      path: issue?.path.join('.'),
    });
  }
  const scenario = ScenarioSchema.safeParse(shape.data.scenario);
  if (!scenario.success) {
    const issue = scenario.error.issues[0];
    throw new SquallError(ErrorCode.InvalidArgument, `${path}: the scenario inside is invalid at scenario.${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return { ...(raw as Artifact), scenario: scenario.data };
}
