import type { OutputItem } from '../protocol';

/** The only .ftnb format version this code reads and writes. */
export const FTNB_VERSION = 1;

export interface FtnbOutput {
  items: OutputItem[];
  metadata?: Record<string, unknown>;
}

export interface FtnbExecution {
  order?: number;
  success?: boolean;
  durationMs?: number;
}

export interface FtnbCell {
  kind: 'markdown' | 'code';
  language?: string;
  /** The whole cell text, lines joined with '\n'. */
  source: string;
  outputs?: FtnbOutput[];
  execution?: FtnbExecution;
  metadata?: Record<string, unknown>;
}

export interface FtnbNotebook {
  tunebook: 1;
  metadata: Record<string, unknown>;
  cells: FtnbCell[];
}
