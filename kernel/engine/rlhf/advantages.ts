/**
 * Per-token returns for PPO on one sequence of actions (the completion tokens): generalised advantage
 * estimation (Schulman et al. 2016) and batch whitening. Plain numbers; no tensors.
 */

export interface GaeResult {
  /** A_t = Σ_l (γλ)^l δ_{t+l}, δ_t = r_t + γ V_{t+1} − V_t, with V after the last token = 0. */
  advantages: number[];
  /** A_t + V_t: the value head's regression target. */
  returns: number[];
}

export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lambda: number): GaeResult {
  if (rewards.length !== values.length)
    throw new RangeError(`gae: ${rewards.length} rewards but ${values.length} values`);
  const n = rewards.length;
  const advantages = new Array<number>(n);
  let running = 0;
  for (let t = n - 1; t >= 0; t--) {
    const nextValue = t + 1 < n ? values[t + 1] : 0;
    const delta = rewards[t] + gamma * nextValue - values[t];
    running = delta + gamma * lambda * running;
    advantages[t] = running;
  }
  return { advantages, returns: advantages.map((a, t) => a + values[t]) };
}

/** (x − mean) / std over all values (population std, as TRL's `masked_whiten`); keeps the mean when `shiftMean` is false. */
export function whiten(values: readonly number[], shiftMean = true): number[] {
  if (values.length === 0) return [];
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  const scale = 1 / Math.sqrt(variance + 1e-8);
  return values.map((v) => (shiftMean ? (v - mean) * scale : (v - mean) * scale + mean));
}
