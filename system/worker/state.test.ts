import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../core/errors.js';
import { canTransition, StateMachine, WORKER_STATES } from './state.js';

describe('worker state machine', () => {
  it('follows the connection lifecycle', () => {
    const sm = new StateMachine();
    const seen: string[] = [];
    sm.onChange((to, from) => seen.push(`${from}->${to}`));
    for (const s of ['connecting', 'handshaking', 'syncing', 'ready', 'backoff', 'connecting', 'handshaking', 'syncing', 'draining', 'stopped'] as const) {
      sm.transition(s);
    }
    expect(seen[0]).toBe('idle->connecting');
    expect(seen.at(-1)).toBe('draining->stopped');
    expect(sm.state).toBe('stopped');
  });

  it('throws IllegalStateError naming the current state on a wrong transition', () => {
    const sm = new StateMachine();
    expect(() => sm.transition('ready')).toThrow(IllegalStateError);
    expect(() => sm.transition('ready')).toThrow(/from state "idle" to "ready"/);
    sm.transition('stopped');
    expect(() => sm.transition('connecting')).toThrow(/state "stopped".*final/);
  });

  it('every state can reach stopped, and stopped is final', () => {
    for (const s of WORKER_STATES) {
      if (s === 'stopped') expect(WORKER_STATES.some((t) => canTransition(s, t))).toBe(false);
      else expect(canTransition(s, 'stopped')).toBe(true);
    }
  });

  it('a throwing listener does not break transitions', () => {
    const sm = new StateMachine();
    sm.onChange(() => {
      throw new Error('boom');
    });
    sm.transition('connecting');
    expect(sm.state).toBe('connecting');
  });
});
