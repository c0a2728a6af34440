/**
 * What every live child (coordinator, swarm host, worker) offers the fault
 * harness: its pid, whether it runs, pause/resume (SIGSTOP/SIGCONT on the
 * whole process) and kill -9. The signalling itself is harness/proc's.
 */
import type { ChildProcess } from 'node:child_process';
import { isRunning, kill9, signalChild } from '../proc/index.js';

export abstract class ChildHandle {
  /** The current child (a restart replaces it); undefined before the first start. */
  protected child: ChildProcess | undefined;

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return isRunning(this.child);
  }

  pause(): void {
    signalChild(this.child, 'SIGSTOP');
  }
  resume(): void {
    signalChild(this.child, 'SIGCONT');
  }
  /** kill -9; resolves once the process is gone. */
  kill9(): Promise<void> {
    return kill9(this.child);
  }
}
