import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/** Absolute deadlines (workflow time, ms since the epoch) by timer name: what continue-as-new carries. */
export type TimerDeadlines = Record<string, number>;

/**
 * Durable timers by name, each in its own cancellation scope: setting a name again restarts it, cancelling a name
 * forgets it. The workflow loop waits on `hasFired` and takes the names that fired. Each timer remembers its
 * absolute deadline in workflow time (Date.now() inside a workflow is the task's replay-safe clock), so a run that
 * continues as new resumes the time left instead of starting the full duration again.
 */
export class NamedTimers {
  private readonly scopes = new Map<string, CancellationScope>();
  private readonly due = new Map<string, number>();
  /** When each armed timer's durable sleep ends; earlier than `due` once the timer was extended. */
  private readonly wakes = new Map<string, number>();
  private fired: string[] = [];

  set(name: string, ms: number): void {
    this.start(name, Date.now() + Math.max(ms, 1));
  }

  /**
   * Moves a timer's deadline without touching its durable timer when the new deadline is not earlier: the timer
   * wakes at its old time and sleeps again for the rest. A state timer that every customer text pushes out then
   * costs no commands per text (restarting it cost a cancel and a start, two history events and two server timer
   * tasks). An earlier deadline, or no timer, starts one as `set` does.
   */
  extend(name: string, ms: number): void {
    const at = Date.now() + Math.max(ms, 1);
    const wake = this.wakes.get(name);
    if (this.scopes.has(name) && wake !== undefined && wake <= at) this.due.set(name, at);
    else this.start(name, at);
  }

  /** Re-arms timers carried from a previous run at their original deadlines (one already past fires at once). */
  restore(deadlines: TimerDeadlines): void {
    for (const [name, at] of Object.entries(deadlines)) this.start(name, at);
  }

  /** Every timer still to be handled: armed ones and those that fired but were not taken yet. */
  deadlines(): TimerDeadlines {
    const out: TimerDeadlines = {};
    for (const [name, at] of this.due) out[name] = at;
    return out;
  }

  private start(name: string, at: number): void {
    this.cancel(name);
    const scope = new CancellationScope();
    this.scopes.set(name, scope);
    this.due.set(name, at);
    this.wakes.set(name, at);
    scope
      .run(() => sleep(Math.max(at - Date.now(), 1)))
      .then(
        () => {
          if (this.scopes.get(name) !== scope) return;
          // Extended while it slept: sleep again until the deadline it has now.
          // (Only an extended timer has due > its wake: timers that were never extended fire as they always did.)
          const due = this.due.get(name);
          if (due !== undefined && due > at && due > Date.now()) {
            this.scopes.delete(name);
            this.start(name, due);
            return;
          }
          this.scopes.delete(name);
          this.wakes.delete(name);
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
    this.due.delete(name);
    this.wakes.delete(name);
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
    for (const name of fired) this.due.delete(name);
    return fired;
  }
}
