/**
 * Training checkpoints: one folder holding
 *   model.safetensors      weights by (Hugging Face) parameter name
 *   optimizer.safetensors  optimizer slots by variable name, `<variable>.<slot>` (AdamW: exp_avg, exp_avg_sq)
 *   trainer_state.json     step, epoch, RNG state, schedule, best metric, log history
 * plus optional extra JSON files (config.json, …). A save writes everything into a temporary
 * sibling folder, syncs it, then renames it into place, so a crash at any moment leaves either the
 * previous checkpoint or the new one — never a half-written folder under the real name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import {
  parseSafetensors,
  serializeSafetensors,
  type SafetensorsDType,
  type TensorData,
  type TensorEntry,
  type TensorToWrite,
} from '../io/safetensors';
import { Rng, type RngState } from './rng';
import { createSchedule, type ScheduleConfig } from './schedule';
import { TrainingCheckpointError } from './trainingCheckpointError';

export const WEIGHTS_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINER_STATE_FILE = 'trainer_state.json';
const STATE_FORMAT = 'tunebook-trainer-state';
const STATE_VERSION = 1;

/** Raw tensor data, as read from safetensors. */
export interface StoredTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: TensorData;
}

export type CheckpointTensor = tf.Tensor | StoredTensor;

export interface OptimizerStateSnapshot {
  /** Optimizer kind, e.g. 'adamw'. */
  name: string;
  /** Updates applied so far (AdamW's bias-correction step). */
  step: number;
  hyperparameters?: Record<string, number>;
  /** Per variable name, its slots by slot name (no dots), e.g. { exp_avg, exp_avg_sq }. */
  slots: Map<string, Record<string, CheckpointTensor>>;
}

export interface BestMetric {
  name: string;
  value: number;
  step: number;
  greaterIsBetter: boolean;
}

export interface TrainerState {
  /** Optimizer steps completed. */
  step: number;
  /** Epochs completed, fractional (HF style: 1.5 = halfway through the second epoch). */
  epoch: number;
  rng: RngState;
  schedule: ScheduleConfig;
  bestMetric: BestMetric | null;
  logHistory?: Record<string, number | string | null>[];
  /** Anything else the trainer wants back on resume (JSON only). */
  extra?: Record<string, unknown>;
}

export interface TrainingCheckpoint {
  weights: Map<string, CheckpointTensor>;
  optimizer?: OptimizerStateSnapshot;
  trainerState: TrainerState;
  /** Extra JSON files by file name, e.g. { 'config.json': model.config }. */
  extraFiles?: Record<string, unknown>;
}

export interface LoadedOptimizerState {
  name: string;
  step: number;
  hyperparameters: Record<string, number>;
  slots: Map<string, Record<string, TensorEntry>>;
}

export interface LoadedCheckpoint {
  dir: string;
  weights: Map<string, TensorEntry>;
  optimizer?: LoadedOptimizerState;
  trainerState: TrainerState;
}

export type SaveStage = 'written' | 'movedAside' | 'committed';

export interface SaveOptions {
  /** Called at each stage of the save (crash tests kill the process here). */
  onStage?: (stage: SaveStage, paths: { temporary: string; previous?: string }) => void | Promise<void>;
}

export async function saveCheckpoint(
  dir: string,
  checkpoint: TrainingCheckpoint,
  options: SaveOptions = {},
): Promise<void> {
  checkTrainerState(checkpoint.trainerState, dir);
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  await recoverInterruptedSave(dir);
  const temporary = join(parent, `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(temporary);
  try {
    await writeDurable(
      join(temporary, WEIGHTS_FILE),
      serialize(await tensorsToWrite(checkpoint.weights), { format: 'pt' }, join(dir, WEIGHTS_FILE)),
    );
    if (checkpoint.optimizer)
      await writeDurable(
        join(temporary, OPTIMIZER_FILE),
        await serializeOptimizer(checkpoint.optimizer, join(dir, OPTIMIZER_FILE)),
      );
    for (const [name, value] of Object.entries(checkpoint.extraFiles ?? {})) {
      checkExtraFileName(name, dir);
      await writeDurable(join(temporary, name), `${JSON.stringify(value, null, 2)}\n`);
    }
    const state = { format: STATE_FORMAT, version: STATE_VERSION, ...checkpoint.trainerState };
    await writeDurable(join(temporary, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    await syncFolder(temporary);
    await options.onStage?.('written', { temporary });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  let previous: string | undefined;
  if (await exists(dir)) {
    previous = join(parent, `.${basename(dir)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
    await rename(dir, previous);
    await options.onStage?.('movedAside', { temporary, previous });
  }
  await rename(temporary, dir);
  await syncFolder(parent);
  if (previous) await rm(previous, { recursive: true, force: true });
  await options.onStage?.('committed', { temporary, previous });
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  await recoverInterruptedSave(dir);
  const statePath = join(dir, TRAINER_STATE_FILE);
  const stateText = await readOrFail(
    statePath,
    'utf8',
    'no trainer_state.json: this folder is not a complete training checkpoint',
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(stateText);
  } catch (error) {
    throw new TrainingCheckpointError(statePath, `invalid JSON (${(error as Error).message})`);
  }
  const trainerState = trainerStateFromJson(parsed, statePath);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const weights = parseSafetensors(
    await readOrFail(weightsPath, null, 'the weights file is missing'),
    weightsPath,
  ).tensors;
  const optimizerPath = join(dir, OPTIMIZER_FILE);
  const optimizer = (await exists(optimizerPath))
    ? parseOptimizer(await readFile(optimizerPath), optimizerPath)
    : undefined;
  return { dir, weights, optimizer, trainerState };
}

/** Folder name for the checkpoint at `step`, Hugging Face style. */
export function checkpointDirName(step: number): string {
  return `checkpoint-${step}`;
}

/** Complete `checkpoint-<step>` folders under `outputDir`, oldest step first. */
export async function listCheckpoints(outputDir: string): Promise<{ dir: string; step: number }[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch {
    return [];
  }
  const found: { dir: string; step: number }[] = [];
  for (const name of names) {
    const match = /^checkpoint-(\d+)$/.exec(name);
    if (match && (await exists(join(outputDir, name, TRAINER_STATE_FILE))))
      found.push({ dir: join(outputDir, name), step: Number(match[1]) });
  }
  return found.sort((a, b) => a.step - b.step);
}

export async function latestCheckpoint(outputDir: string): Promise<string | undefined> {
  const all = await listCheckpoints(outputDir);
  return all.at(-1)?.dir;
}

/** Deletes all but the newest `keep` checkpoints (never those in `protect`, e.g. the best one). */
export async function pruneCheckpoints(
  outputDir: string,
  keep: number,
  protect: readonly string[] = [],
): Promise<string[]> {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`keep must be an integer >= 1, got ${keep}`);
  const all = await listCheckpoints(outputDir);
  const doomed = all.slice(0, Math.max(0, all.length - keep)).filter((c) => !protect.includes(c.dir));
  for (const { dir } of doomed) await rm(dir, { recursive: true, force: true });
  return doomed.map((c) => c.dir);
}

/**
 * A crash between moving the old checkpoint aside and renaming the new one into place leaves the
 * real name missing and a `.name.old-*` sibling: move that back. Leftover `.tmp-*` folders of dead
 * processes are deleted.
 */
export async function recoverInterruptedSave(dir: string): Promise<void> {
  const parent = dirname(dir);
  const base = basename(dir);
  let siblings: string[];
  try {
    siblings = await readdir(parent);
  } catch {
    return;
  }
  const stale = (kind: 'tmp' | 'old') =>
    siblings.filter((name) => {
      const match = new RegExp(`^\\.${escapeRegExp(base)}\\.${kind}-(\\d+)-[0-9a-f]+$`).exec(name);
      return match !== null && !processIsAlive(Number(match[1]));
    });
  const olds = stale('old');
  if (olds.length > 0 && !(await exists(dir))) {
    const restorable = [];
    for (const name of olds) if (await exists(join(parent, name, TRAINER_STATE_FILE))) restorable.push(name);
    if (restorable.length > 0) await rename(join(parent, restorable.sort().at(-1) as string), dir);
  }
  for (const name of [...stale('tmp'), ...olds]) {
    if (await exists(join(parent, name))) await rm(join(parent, name), { recursive: true, force: true });
  }
}

async function tensorsToWrite(tensors: Map<string, CheckpointTensor>): Promise<TensorToWrite[]> {
  const out: TensorToWrite[] = [];
  for (const [name, tensor] of tensors) out.push({ name, ...(await toStored(tensor, name)) });
  return out;
}

async function toStored(tensor: CheckpointTensor, name: string): Promise<StoredTensor> {
  if (!isTfTensor(tensor)) return tensor;
  const shape = [...tensor.shape];
  switch (tensor.dtype) {
    case 'float32':
      return { dtype: 'F32', shape, data: Float32Array.from((await tensor.data()) as Float32Array) };
    case 'int32':
      return { dtype: 'I32', shape, data: Int32Array.from((await tensor.data()) as Int32Array) };
    case 'bool':
      return { dtype: 'U8', shape, data: Uint8Array.from((await tensor.data()) as Uint8Array) };
    default:
      throw new TrainingCheckpointError(name, `tensor dtype ${tensor.dtype} cannot be stored in a checkpoint`);
  }
}

function isTfTensor(value: CheckpointTensor): value is tf.Tensor {
  return typeof (value as tf.Tensor).dataSync === 'function';
}

async function serializeOptimizer(state: OptimizerStateSnapshot, path: string): Promise<Uint8Array> {
  if (!Number.isSafeInteger(state.step) || state.step < 0)
    throw new TrainingCheckpointError(path, `optimizer step must be an integer >= 0, got ${state.step}`);
  const tensors: TensorToWrite[] = [];
  for (const [variable, slots] of state.slots) {
    for (const [slot, tensor] of Object.entries(slots)) {
      if (slot === '' || slot.includes('.'))
        throw new TrainingCheckpointError(path, `optimizer slot name "${slot}" must be non-empty without dots`);
      tensors.push({ name: `${variable}.${slot}`, ...(await toStored(tensor, `${variable}.${slot}`)) });
    }
  }
  const metadata = {
    optimizer: state.name,
    step: String(state.step),
    hyperparameters: JSON.stringify(state.hyperparameters ?? {}),
  };
  return serialize(tensors, metadata, path);
}

function parseOptimizer(bytes: Uint8Array, path: string): LoadedOptimizerState {
  const { tensors, metadata } = parseSafetensors(bytes, path);
  const step = Number(metadata.step);
  if (!metadata.optimizer || !Number.isSafeInteger(step) || step < 0) {
    throw new TrainingCheckpointError(path, 'the optimizer file lacks its "optimizer"/"step" metadata');
  }
  let hyperparameters: Record<string, number>;
  try {
    hyperparameters = JSON.parse(metadata.hyperparameters ?? '{}');
  } catch {
    throw new TrainingCheckpointError(path, 'the "hyperparameters" metadata is not JSON');
  }
  const slots = new Map<string, Record<string, TensorEntry>>();
  for (const [key, entry] of tensors) {
    const dot = key.lastIndexOf('.');
    if (dot <= 0) throw new TrainingCheckpointError(path, `tensor "${key}" is not named <variable>.<slot>`);
    const variable = key.slice(0, dot);
    const record = slots.get(variable) ?? {};
    record[key.slice(dot + 1)] = entry;
    slots.set(variable, record);
  }
  return { name: metadata.optimizer, step, hyperparameters, slots };
}

function serialize(tensors: TensorToWrite[], metadata: Record<string, string>, path: string): Uint8Array {
  try {
    return serializeSafetensors(tensors, metadata);
  } catch (error) {
    throw new TrainingCheckpointError(path, (error as Error).message);
  }
}

function checkTrainerState(state: TrainerState, where: string): void {
  trainerStateFromJson(JSON.parse(JSON.stringify(state)), where);
}

function trainerStateFromJson(json: unknown, path: string): TrainerState {
  const fail = (problem: string): never => {
    throw new TrainingCheckpointError(path, problem);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('trainer state must be a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.version !== undefined && raw.version !== STATE_VERSION)
    fail(`trainer state version ${String(raw.version)} is newer than this Tunebook understands`);
  if (!Number.isSafeInteger(raw.step) || (raw.step as number) < 0)
    fail(`"step" must be an integer >= 0, got ${JSON.stringify(raw.step)}`);
  if (typeof raw.epoch !== 'number' || !(raw.epoch >= 0))
    fail(`"epoch" must be a number >= 0, got ${JSON.stringify(raw.epoch)}`);
  try {
    Rng.fromState(raw.rng as RngState);
  } catch (error) {
    fail(`"rng": ${(error as Error).message}`);
  }
  try {
    createSchedule(raw.schedule as ScheduleConfig);
  } catch (error) {
    fail(`"schedule": ${(error as Error).message}`);
  }
  const best = raw.bestMetric;
  if (best !== null && best !== undefined) {
    const b = best as Record<string, unknown>;
    if (
      typeof b.name !== 'string' ||
      typeof b.value !== 'number' ||
      !Number.isSafeInteger(b.step) ||
      typeof b.greaterIsBetter !== 'boolean'
    ) {
      fail('"bestMetric" must be null or { name, value, step, greaterIsBetter }');
    }
  }
  if (raw.logHistory !== undefined && !Array.isArray(raw.logHistory)) fail('"logHistory" must be an array');
  const state: TrainerState = {
    step: raw.step as number,
    epoch: raw.epoch as number,
    rng: raw.rng as RngState,
    schedule: raw.schedule as ScheduleConfig,
    bestMetric: (best as BestMetric | undefined) ?? null,
  };
  if (raw.logHistory !== undefined) state.logHistory = raw.logHistory as TrainerState['logHistory'];
  if (raw.extra !== undefined) state.extra = raw.extra as Record<string, unknown>;
  return state;
}

function checkExtraFileName(name: string, dir: string): void {
  const reserved = [WEIGHTS_FILE, OPTIMIZER_FILE, TRAINER_STATE_FILE];
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.') || reserved.includes(name)) {
    throw new TrainingCheckpointError(
      dir,
      `extra file name "${name}" must be a plain file name other than ${reserved.join(', ')}`,
    );
  }
}

async function writeDurable(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a folder; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

async function readOrFail(path: string, encoding: 'utf8', missing: string): Promise<string>;
async function readOrFail(path: string, encoding: null, missing: string): Promise<Buffer>;
async function readOrFail(path: string, encoding: 'utf8' | null, missing: string): Promise<string | Buffer> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TrainingCheckpointError(dirname(path), missing);
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
