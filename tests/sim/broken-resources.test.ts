/**
 * Promise 32 (resources) against broken variants of the container and
 * command kinds' cleanup (./broken/resources-variants.ts), injected through
 * the simulated Docker client and spawn (SimWiring.resources) and reported
 * at seed 1 of task-resources, where the real kinds pass: a failed attempt's
 * container kept (set 13 #20), a crashed worker's containers left running
 * after it starts again, a child or a container never killed on
 * timeout or cancel, a killed container's logs never read, the worker's
 * secret in a container's environment, a pull, log streams swapped. Each is
 * caught by promise 32 alone.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { childNeverKilled, containerNeverKilled, forgetsOrphans, keepsFailedContainers, killedContainersLogsSkipped, pullsBeforeCreate, secretIntoContainerEnv, swappedLogStreams } from './broken/resources-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = () => loadScenario('scenarios/task-resources.yaml');

describe('32 resources: what the container and command kinds create ends with its attempt', () => {
  it('the real kinds pass task-resources', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('a failed attempt\'s container left behind is reported (set 13 #20)', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: keepsFailedContainers } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/container w\d-c\d+ \(execution \w+ attempt \d+ on w\d\) was never removed, but its attempt ended failed at t=\d+/);
  });

  it('containers a crashed worker left running after it started again are reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: forgetsOrphans } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/container w2-c\d+ \(execution \w+ attempt \d+ on w2\) outlived the worker process that created it and ran until t=\d+, but w2 started again at t=1000/);
  });

  it('a command child not killed on timeout or cancel is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { spawn: childNeverKilled } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/process \d+ \(execution \w+ attempt \d+ on w\d\) (ran until t=\d+|was still running at the end of the run), but its attempt was aborted \(timeout\) at t=\d+, so it is killed by SIGTERM, then SIGKILL 2 s later/);
    expect(broken.text).toMatch(/process \d+ \(execution \w+ attempt \d+ on w\d\) (ran until t=\d+|was still running at the end of the run), but its attempt was aborted \(cancel\) at t=\d+/);
  });

  it('the worker\'s secret passed into a container\'s environment is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: secretIntoContainerEnv('resources-secret-phrase') } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/container w\d-c\d+ \(busybox:1.36\) on w\d got the worker's secret SQUALL_SECRET in its environment/);
  });

  it('a container result with stdout and stderr swapped is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: swappedLogStreams } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/execution \w+ completed with result \{"exitCode":0,"stdout":"note\\n","stderr":"built\\n"\}, but its final container w\d-c\d+ .* exited 0 printing stdout "built\\n" and stderr "note\\n"/);
  });

  it('a container not killed on timeout or cancel is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: containerNeverKilled } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/container w\d-c\d+ .* ran until t=\d+, but it started at t=\d+ with timeoutMs 300, after which the kind kills it/);
    expect(broken.text).toMatch(/container w\d-c\d+ .* ran until t=\d+, but its attempt was aborted \(cancel\) at t=\d+, so it is killed at once/);
  });

  it('a killed container removed without its logs read is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: killedContainersLogsSkipped } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/container w\d-c\d+ .* exited at t=\d+ \(code 137\) but its logs were never read before it was removed; its attempt ended (failed|timeout|cancelled)/);
  });

  it('an image pulled though the kind never pulls is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { resources: { docker: pullsBeforeCreate } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/the engine on w\d was asked to pull busybox:1.36 at t=\d+ \(execution \w+\): the container kind never pulls/);
  });
});
