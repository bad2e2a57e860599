import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * Durable timers by name, each in its own cancellation scope: setting a name again restarts it, cancelling a name
 * forgets it. The workflow loop waits on `hasFired` and takes the names that fired. Deadlines are relative, so the
 * workflow never reads the clock.
 */
export class NamedTimers {
  private readonly scopes = new Map<string, CancellationScope>();
  private fired: string[] = [];

  set(name: string, ms: number): void {
    this.cancel(name);
    const scope = new CancellationScope();
    this.scopes.set(name, scope);
    scope
      .run(() => sleep(Math.max(ms, 1)))
      .then(
        () => {
          if (this.scopes.get(name) !== scope) return;
          this.scopes.delete(name);
          this.fired.push(name);
        },
        (err) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }

  cancel(name: string): void {
    const scope = this.scopes.get(name);
    if (scope) {
      this.scopes.delete(name);
      scope.cancel();
    }
    this.fired = this.fired.filter((n) => n !== name);
  }

  isSet(name: string): boolean {
    return this.scopes.has(name);
  }

  get hasFired(): boolean {
    return this.fired.length > 0;
  }

  take(): string[] {
    const fired = this.fired;
    this.fired = [];
    return fired;
  }
}
