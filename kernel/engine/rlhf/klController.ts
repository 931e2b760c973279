/**
 * The KL coefficient of PPO's reward penalty: fixed, or adaptive (Ziegler et al. 2019): after each batch,
 * β ← β (1 + clip(KL / target − 1, −0.2, 0.2) · n / horizon).
 */

export interface KlControl {
  /** A fixed β, or an adaptive one that steers the per-sequence KL toward `target`. */
  kind: 'fixed' | 'adaptive';
  coef: number;
  /** Adaptive only: the KL aimed at (nats per sequence, default 1). */
  target?: number;
  /** Adaptive only: sequences over which β may change by ≈ e^0.2 (default 10000, as TRL). */
  horizon?: number;
}

export class KlController {
  value: number;

  constructor(private readonly control: KlControl) {
    if (!(control.coef >= 0) || !Number.isFinite(control.coef))
      throw new RangeError(`KL coefficient must be a finite number >= 0, got ${control.coef}`);
    if (control.kind !== 'fixed' && control.kind !== 'adaptive')
      throw new RangeError(`KL control kind must be 'fixed' or 'adaptive', got ${JSON.stringify(control.kind)}`);
    this.value = control.coef;
  }

  /** Called once per batch with the batch's mean KL and its number of sequences. */
  update(klMean: number, sequences: number): void {
    if (this.control.kind === 'fixed') return;
    const target = this.control.target ?? 1;
    const horizon = this.control.horizon ?? 10000;
    const error = Math.min(0.2, Math.max(-0.2, klMean / target - 1));
    this.value *= 1 + (error * sequences) / horizon;
  }
}
