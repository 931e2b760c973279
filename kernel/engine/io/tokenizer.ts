// A Hugging Face tokenizer.json (byte-level BPE as in GPT-2, WordPiece as in BERT, ...) run by @huggingface/tokenizers.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { TokenizerError } from './tokenizerError';

export interface EncodeOptions {
  /** Add the model's special tokens (BERT's [CLS] ... [SEP]); GPT-2 adds none. Default true, as in transformers. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens such as <|endoftext|>, [CLS], [PAD]. Default false, as in transformers. */
  skipSpecialTokens?: boolean;
}

type SpecialRole = 'bos' | 'eos' | 'pad' | 'unk' | 'cls' | 'sep' | 'mask';

/** Used only when tokenizer_config.json does not name the role: the conventional spellings, checked in order. */
const CONVENTIONAL_SPECIALS: Record<SpecialRole, string[]> = {
  bos: ['<|endoftext|>', '<s>', '<bos>', '<|begin_of_text|>'],
  eos: ['<|endoftext|>', '</s>', '<eos>', '<|end_of_text|>'],
  pad: ['[PAD]', '<pad>', '<|pad|>'],
  unk: ['[UNK]', '<unk>', '<|endoftext|>'],
  cls: ['[CLS]', '<s>'],
  sep: ['[SEP]', '</s>'],
  mask: ['[MASK]', '<mask>'],
};

const SUPPORTED_MODELS = ['BPE', 'WordPiece', 'Unigram'];

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
}

export class Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
  readonly unkTokenId?: number;
  readonly clsTokenId?: number;
  readonly sepTokenId?: number;
  readonly maskTokenId?: number;

  private constructor(
    private readonly hf: HfTokenizer,
    private readonly tokenizerJson: Record<string, any>,
    private readonly tokenizerConfig: Record<string, any>,
  ) {
    let maxId = -1;
    for (const id of hf.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const ids: Partial<Record<SpecialRole, number>> = {};
    for (const role of Object.keys(CONVENTIONAL_SPECIALS) as SpecialRole[]) ids[role] = this.findSpecialId(role);
    this.bosTokenId = ids.bos;
    this.eosTokenId = ids.eos;
    this.padTokenId = ids.pad;
    this.unkTokenId = ids.unk;
    this.clsTokenId = ids.cls;
    this.sepTokenId = ids.sep;
    this.maskTokenId = ids.mask;
  }

  /** tokenizerJson: the parsed tokenizer.json; tokenizerConfig: the parsed tokenizer_config.json, if any. */
  static fromJson(tokenizerJson: object, tokenizerConfig: object = {}): Tokenizer {
    if (typeof tokenizerJson !== 'object' || tokenizerJson === null || Array.isArray(tokenizerJson)) {
      throw new TokenizerError('tokenizer.json must be a JSON object');
    }
    const json = structuredClone(tokenizerJson) as Record<string, any>;
    if (typeof json.model !== 'object' || json.model === null)
      throw new TokenizerError('tokenizer.json has no "model" section; is this a Hugging Face tokenizer.json?');
    if (json.model.type !== undefined && !SUPPORTED_MODELS.includes(json.model.type)) {
      throw new TokenizerError(
        `tokenizer.json model type ${JSON.stringify(json.model.type)} is not supported (supported: ${SUPPORTED_MODELS.join(', ')})`,
      );
    }
    if (typeof tokenizerConfig !== 'object' || tokenizerConfig === null || Array.isArray(tokenizerConfig)) {
      throw new TokenizerError('tokenizer_config.json must be a JSON object');
    }
    const config = structuredClone(tokenizerConfig) as Record<string, any>;
    const libraryJson = {
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: null,
      added_tokens: [],
      ...structuredClone(json),
    };
    // Decoding is lossless unless the config asks for transformers' old space clean-up.
    const libraryConfig = { ...config, clean_up_tokenization_spaces: config.clean_up_tokenization_spaces ?? false };
    let hf: HfTokenizer;
    try {
      hf = new HfTokenizer(libraryJson, libraryConfig);
    } catch (e) {
      throw new TokenizerError(
        `cannot build the tokenizer from tokenizer.json (model type ${JSON.stringify(json.model.type)}): ${(e as Error).message}`,
      );
    }
    return new Tokenizer(hf, json, config);
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new TokenizerError(`encode expects a string, got ${typeof text}`);
    return this.hf.encode(text, { add_special_tokens: opts.addSpecialTokens ?? true }).ids;
  }

  decode(ids: number[], opts: DecodeOptions = {}): string {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
        throw new TokenizerError(`cannot decode id ${id}: ids run from 0 to ${this.vocabSize - 1}`);
    }
    if (ids.length === 0) return '';
    return this.hf.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false });
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  /** The tokenizer.json this tokenizer was built from (a copy), to be saved next to the model. */
  toJson(): object {
    return structuredClone(this.tokenizerJson);
  }

  /** The tokenizer_config.json this tokenizer was built with (a copy). */
  toConfigJson(): object {
    return structuredClone(this.tokenizerConfig);
  }

  private findSpecialId(role: SpecialRole): number | undefined {
    const key = `${role}_token`;
    if (key in this.tokenizerConfig) {
      const value = this.tokenizerConfig[key];
      const content =
        typeof value === 'string' ? value : typeof value?.content === 'string' ? (value.content as string) : undefined;
      return content === undefined ? undefined : this.hf.token_to_id(content);
    }
    const model = this.tokenizerJson.model as { unk_token?: unknown };
    if (role === 'unk' && typeof model.unk_token === 'string') return this.hf.token_to_id(model.unk_token);
    const special = new Map(
      ((this.tokenizerJson.added_tokens ?? []) as AddedTokenJson[])
        .filter((t) => t.special)
        .map((t) => [t.content, t.id] as const),
    );
    for (const spelling of CONVENTIONAL_SPECIALS[role]) {
      if (special.has(spelling)) return special.get(spelling);
    }
    return undefined;
  }
}
