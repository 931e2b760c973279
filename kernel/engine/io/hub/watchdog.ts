/** Aborts a request when no progress was made for `ms` milliseconds; each chunk received calls kick(). */
export class Watchdog {
  private timer?: NodeJS.Timeout;
  fired = false;

  constructor(
    private readonly ms: number,
    private readonly controller: AbortController,
  ) {
    this.kick();
  }

  kick(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error(`no data for ${this.ms / 1000} s`));
    }, this.ms);
    this.timer.unref?.();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
