/**
 * Debounced per-document analysis: at most one pending analysis per document (a newer change
 * replaces the pending timer); a run whose document version moved on while it awaited the
 * configuration is dropped (the newer version has its own run scheduled).
 */
export class DebouncedRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly run: (key: string) => Promise<void>,
    private readonly onError: (key: string, e: unknown) => void,
  ) {}

  /** Schedules `run(key)` after `delayMs`, replacing any pending run of the same key. */
  schedule(key: string, delayMs: number): void {
    this.cancel(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.run(key).catch((e) => this.onError(key, e));
    }, Math.max(0, delayMs));
    this.timers.set(key, t);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
  }

  pending(key: string): boolean {
    return this.timers.has(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
