/**
 * Planning submissions: validates specs (spec.ts), resolves idempotency keys
 * and dependencies, and builds the new records, all BEFORE the engine changes
 * any state, so a batch or graph is all or nothing: any error throws here and
 * nothing was created.
 */
import { ErrorCode, InvalidArgumentError, SquallError } from '../core/errors.js';
import { type ExecutionId, newExecutionId } from '../core/ids.js';
import type { Random } from '../core/random.js';
import type { ResolvedEngineConfig } from './config.js';
import type { ExecutionSpec, GraphSpec } from './contract.js';
import type { ExecutionRecord } from '../core/model.js';
import { newRecord } from './records.js';
import { type NormalizedSpec, normalizeBatch, normalizeGraph, normalizeSpec, SPEC_LIMITS, type SpecContext } from './spec.js';

/** One planned submission: an existing execution (idempotency key) or a new record. */
export type SubmitItem = { existing: ExecutionId; record?: undefined } | { existing?: undefined; record: ExecutionRecord };

export class Submitter {
  private readonly ctx: SpecContext;

  constructor(
    config: ResolvedEngineConfig,
    private readonly random: Random,
    private readonly lookup: (id: ExecutionId) => ExecutionRecord | undefined,
    private readonly byKey: (key: string) => ExecutionId | undefined,
    private readonly now: () => number,
  ) {
    this.ctx = { taskKinds: config.taskKinds, defaultRetry: config.defaultRetry };
  }

  planOne(spec: ExecutionSpec): SubmitItem[] {
    return this.plan([{ spec: normalizeSpec(spec, this.ctx), internal: [], path: '' }]).items;
  }

  planBatch(specs: readonly ExecutionSpec[]): SubmitItem[] {
    return this.plan(normalizeBatch(specs, this.ctx).map((spec, i) => ({ spec, internal: [], path: `[${i}]` }))).items;
  }

  /** Items in topological order and the graph name of each. */
  planGraph(graph: GraphSpec): { items: SubmitItem[]; names: string[] } {
    const nodes = normalizeGraph(graph, this.ctx);
    const planned = nodes.map((n) => ({
      spec: { ...n.spec, taskId: n.spec.taskId ?? n.name },
      internal: n.dependsOn,
      path: n.name,
      name: n.name,
    }));
    return { items: this.plan(planned).items, names: nodes.map((n) => n.name) };
  }

  /**
   * `internal` names earlier items of the same plan (graph dependsOn, by
   * name); spec.dependencies are ids of existing executions.
   */
  private plan(planned: { spec: NormalizedSpec; internal: string[]; path: string; name?: string }[]): { items: SubmitItem[] } {
    const now = this.now();
    const keys = new Map<string, ExecutionId>();
    const idOfName = new Map<string, ExecutionId>();
    const items: SubmitItem[] = [];
    for (const p of planned) {
      const ahead = (p.spec.scheduledAt ?? now) - now;
      if (ahead > SPEC_LIMITS.maxScheduleAheadMs) {
        const path = `${p.path === '' ? '' : `${p.path}.`}scheduledAt`;
        throw new InvalidArgumentError(`${path} is ${Math.round(ahead / 86_400_000)} days ahead; at most 366 days ahead is accepted`, path);
      }
      const key = p.spec.idempotencyKey;
      const existing = key === undefined ? undefined : (this.byKey(key) ?? keys.get(key));
      if (existing !== undefined) {
        const held = this.lookup(existing);
        const differs = held === undefined ? undefined : specDifference(held, p.spec);
        if (differs !== undefined) {
          const path = `${p.path === '' ? '' : `${p.path}.`}idempotencyKey`;
          throw new SquallError(
            ErrorCode.Conflict,
            `idempotencyKey ${JSON.stringify(key)} is already used by execution ${existing} with a different ${differs}; use a new key for a different spec`,
            { path },
          );
        }
        if (p.name !== undefined) idOfName.set(p.name, existing);
        items.push({ existing });
        continue;
      }
      p.spec.dependencies.forEach((dep, i) => {
        if (this.lookup(dep as ExecutionId) === undefined) {
          const path = `${p.path === '' ? '' : `${p.path}.`}dependencies[${i}]`;
          throw new InvalidArgumentError(`${path} names unknown execution ${JSON.stringify(dep)}`, path);
        }
      });
      let id = newExecutionId(this.random);
      while (this.lookup(id) !== undefined) id = newExecutionId(this.random);
      const deps = [...new Set([...(p.spec.dependencies as ExecutionId[]), ...p.internal.map((n) => idOfName.get(n) as ExecutionId)])];
      const allDone = deps.every((d) => this.lookup(d)?.status === 'completed');
      items.push({ record: newRecord(id, p.spec, deps, allDone ? 'scheduled' : 'pending', now) });
      if (key !== undefined) keys.set(key, id);
      if (p.name !== undefined) idOfName.set(p.name, id);
    }
    return { items };
  }
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
}

/**
 * The first field in which a repeated submission (same idempotency key)
 * differs from the execution holding the key, or undefined when it is the
 * same request: a reused key with another spec is a conflict, not a repeat.
 */
function specDifference(held: ExecutionRecord, spec: NormalizedSpec): string | undefined {
  if (held.kind !== spec.kind) return 'kind';
  if (canonical(held.params) !== canonical(spec.params)) return 'params';
  if (held.priority !== spec.priority) return 'priority';
  if (canonical(held.retry) !== canonical(spec.retry)) return 'retry';
  if (held.timeoutMs !== spec.timeoutMs) return 'timeoutMs';
  if (held.scheduledAt !== spec.scheduledAt) return 'scheduledAt';
  if (canonical(held.metadata) !== canonical(spec.metadata)) return 'metadata';
  if (spec.taskId !== undefined && held.taskId !== spec.taskId) return 'taskId';
  if (spec.dependencies.some((d) => !(held.dependencies as string[]).includes(d))) return 'dependencies';
  return undefined;
}
