/**
 * The coordinator: sessions, registry, assignment loop, heartbeat monitor and
 * HTTP API on one port. `createCoordinator` builds the engine over the given
 * store (recovering its state first) and starts listening.
 */
import { engineConfigWithDefaults } from '../engine/config.js';
import { Engine } from '../engine/engine.js';
import { startCoordinator, type Coordinator, type CoordinatorDeps, type EngineFactory } from './coordinator.js';
import { type CoordinatorConfig, type ResolvedCoordinatorConfig, resolveCoordinatorConfig } from './config.js';

/**
 * Every check a coordinator makes of its config at start, without starting
 * one: the coordinator's resolver, then the engine's over the engine options
 * it passes on (leaseMs and `engine`, as engineFactory does). Throws the
 * resolvers' own InvalidArgumentError; `squall coordinator` runs it as it parses.
 */
export function checkCoordinatorConfig(config: CoordinatorConfig): ResolvedCoordinatorConfig {
  const c = resolveCoordinatorConfig(config);
  engineConfigWithDefaults({ leaseMs: c.leaseMs, ...c.engine, taskKinds: new Map() });
  return c;
}

/** The engine factory of createCoordinator: builds `EngineClass` (the production Engine unless a subclass is given) over deps.store and recovers it. */
export function engineFactory(EngineClass: new (...args: ConstructorParameters<typeof Engine>) => Engine = Engine): EngineFactory {
  return async (d, c) => {
    const engine = new EngineClass(
      { store: d.store, clock: d.clock, random: d.random, logger: d.logger.child({ component: 'engine' }), events: d.events, ...(d.marks === undefined ? {} : { marks: d.marks }) },
      { leaseMs: c.leaseMs, ...c.engine, taskKinds: d.taskKinds },
    );
    await engine.recover();
    return engine;
  };
}

/** Starts a coordinator with the production engine over deps.store. */
export function createCoordinator(deps: CoordinatorDeps, config: CoordinatorConfig = {}): Promise<Coordinator> {
  return startCoordinator(deps, config, engineFactory());
}

export { startCoordinator, type Coordinator, type CoordinatorDeps, type EngineFactory } from './coordinator.js';
export { resolveCoordinatorConfig, COORDINATOR_DEFAULTS, type CoordinatorConfig, type ResolvedCoordinatorConfig } from './config.js';
export type { CoordinatorEngine } from './context.js';
export type { WorkerView, WorkerState } from './registry.js';
export { createHttpApi, executionView, type HttpApiDeps } from './http-api.js';
export { REQUEST_BODIES } from './http-schemas.js';
export { methodNotAllowed } from './http-router.js';
export { authorize, requiredScope, checkRequestSource, gateHttp, isLoopbackHost, type Authorization, type HttpGateOptions } from './http-auth.js';
export { DEFAULT_POLICIES, type CoordinatorPolicies } from './policies.js';
export { createToken, verifyToken, memoryTokenStore, scopeCovers, parseScope, TOKEN_SCOPES, type TokenRecord, type TokenStore, type TokenScope, type Principal } from './tokens.js';
export { publicToken } from './tokens-api.js';
export { type BadTokenEntry, fileTokenStore } from './token-file.js';
export { securityGaps, checkListenSecurity, securedHttp } from './security.js';
export { serveAsset, UI_ASSET_DIR, UI_HEADERS } from './ui/ui-handler.js';
