#!/usr/bin/python3
"""Writes the io golden fixtures under test/fixtures/io/ with an implementation independent of the TypeScript one.

safetensors files are written by hand from the format spec (8-byte little-endian header length, JSON header,
raw little-endian bytes); F16 rounding comes from numpy, BF16 rounding from torch. Images are made and
preprocessed with PIL + numpy following transformers' image processor steps (convert RGB, resize, rescale,
normalise), giving the expected float32 outputs.

Run:  OMP_NUM_THREADS=2 /usr/bin/python3 scripts/make_io_fixtures.py
"""
import base64
import json
import os
import struct
import sys

import numpy as np
import torch
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'io')


# ---------------------------------------------------------------- safetensors

def safetensors_bytes(tensors, metadata=None):
    """tensors: dict name -> (dtype string, shape list, raw little-endian bytes). Sorted names, space padding."""
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    offset = 0
    chunks = []
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {'dtype': dtype, 'shape': list(shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(chunks)


def f32_bits(a):
    return [f'{int(v):08x}' for v in np.asarray(a, dtype=np.float32).view(np.uint32).ravel()]


def float_inputs(rng, extra):
    base = [0.0, -0.0, 1.0, -2.5, 0.1, 3.14159265, float('inf'), float('-inf'), float('nan')]
    return np.array(base + extra + list(rng.standard_normal(7) * 10.0), dtype=np.float32)


def make_safetensors_golden():
    rng = np.random.default_rng(7)
    # F16: overflow to inf, max finite, subnormals, underflow to zero, exact ties that round to even.
    f16_extra = [65504.0, 65519.0, 65520.0, 1e-8, 5.9604645e-08, 2.98e-8, 6.1035156e-05, 6.0e-05,
                 1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11, -(1.0 + 2.0 ** -11), 2049.0, 2051.0]
    # BF16: ties at bit 16, values near float32 max (rounds to inf), tiny subnormals.
    bf16_extra = [1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, 3.4028235e38, 3.3e38, 1e-40, -1e-45, 257.0, 259.0]
    f16_in = float_inputs(rng, f16_extra)
    bf16_in = float_inputs(rng, bf16_extra)
    with np.errstate(over='ignore'):  # 65520 overflowing to inf is one of the cases
        f16 = f16_in.astype(np.float16)
    # c10::BFloat16's scalar constructor (round to nearest even, NaN -> 0x7fc0); torch's vectorised cast writes
    # NaN as 0xffff instead, so the scalar path gives the one canonical answer.
    bf16 = torch.tensor(bf16_in.tolist(), dtype=torch.bfloat16)
    bf16_bits = bf16.view(torch.int16).numpy().view(np.uint16)
    f32 = (rng.standard_normal((2, 3)) * 5).astype(np.float32)
    i8 = np.array([[-128, -1], [0, 127]], dtype=np.int8)
    u8 = np.array([0, 1, 128, 254, 255], dtype=np.uint8)
    i32 = np.array([-2147483648, -1, 0, 2147483647], dtype=np.int32)
    i64 = np.array([[-(2 ** 63), -1], [2 ** 53 + 1, 2 ** 63 - 1]], dtype=np.int64)
    scalar = np.array(42.5, dtype=np.float32)
    empty = np.zeros((0, 3), dtype=np.float32)
    tensors = {
        'h.0.attn.weight': ('F32', f32.shape, f32.astype('<f4').tobytes()),
        'h.0.f16': ('F16', f16.shape, f16.astype('<f2').tobytes()),
        'h.0.bf16': ('BF16', list(bf16_bits.shape), bf16_bits.astype('<u2').tobytes()),
        'Z.i8': ('I8', i8.shape, i8.tobytes()),
        'u8_ü': ('U8', u8.shape, u8.tobytes()),
        'counts.i32': ('I32', i32.shape, i32.astype('<i4').tobytes()),
        'ids.i64': ('I64', i64.shape, i64.astype('<i8').tobytes()),
        'scalar': ('F32', [], scalar.astype('<f4').tobytes()),
        'empty': ('F32', empty.shape, b''),
    }
    metadata = {'format': 'pt', 'note': 'héllo ✓ "quoted"'}
    with open(os.path.join(OUT, 'golden.safetensors'), 'wb') as f:
        f.write(safetensors_bytes(tensors, metadata))
    expected = {
        'metadata': metadata,
        'tensors': {
            'h.0.attn.weight': {'dtype': 'F32', 'shape': list(f32.shape), 'input_f32_bits': f32_bits(f32), 'decoded_f32_bits': f32_bits(f32)},
            'h.0.f16': {'dtype': 'F16', 'shape': list(f16.shape), 'input_f32_bits': f32_bits(f16_in),
                        'stored_bits': [f'{int(v):04x}' for v in f16.view(np.uint16)], 'decoded_f32_bits': f32_bits(f16.astype(np.float32))},
            'h.0.bf16': {'dtype': 'BF16', 'shape': list(bf16_bits.shape), 'input_f32_bits': f32_bits(bf16_in),
                         'stored_bits': [f'{int(v):04x}' for v in bf16_bits], 'decoded_f32_bits': f32_bits(bf16.to(torch.float32).numpy())},
            'Z.i8': {'dtype': 'I8', 'shape': list(i8.shape), 'values': i8.ravel().tolist()},
            'u8_ü': {'dtype': 'U8', 'shape': list(u8.shape), 'values': u8.ravel().tolist()},
            'counts.i32': {'dtype': 'I32', 'shape': list(i32.shape), 'values': i32.ravel().tolist()},
            'ids.i64': {'dtype': 'I64', 'shape': list(i64.shape), 'values': [str(v) for v in i64.ravel().tolist()]},
            'scalar': {'dtype': 'F32', 'shape': [], 'input_f32_bits': f32_bits(scalar), 'decoded_f32_bits': f32_bits(scalar)},
            'empty': {'dtype': 'F32', 'shape': [0, 3], 'input_f32_bits': [], 'decoded_f32_bits': []},
        },
    }
    with open(os.path.join(OUT, 'golden.json'), 'w') as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write('\n')


def make_sharded_folder():
    """A tiny GPT-2-shaped checkpoint split over two shards, as transformers' save_pretrained lays it out."""
    folder = os.path.join(OUT, 'sharded')
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(11)
    shapes = {
        'transformer.wte.weight': (8, 4), 'transformer.wpe.weight': (6, 4),
        'transformer.h.0.attn.c_attn.weight': (4, 12), 'transformer.h.0.attn.c_attn.bias': (12,),
        'transformer.ln_f.weight': (4,), 'transformer.ln_f.bias': (4,),
    }
    arrays = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in shapes.items()}
    shard_of = {name: (1 if name.startswith(('transformer.wte', 'transformer.wpe')) else 2) for name in shapes}
    weight_map = {}
    total = 0
    for shard in (1, 2):
        filename = f'model-0000{shard}-of-00002.safetensors'
        members = {n: ('F32', arrays[n].shape, arrays[n].astype('<f4').tobytes()) for n in shapes if shard_of[n] == shard}
        with open(os.path.join(folder, filename), 'wb') as f:
            f.write(safetensors_bytes(members, {'format': 'pt'}))
        for n in members:
            weight_map[n] = filename
            total += arrays[n].nbytes
    index = {'metadata': {'total_size': total}, 'weight_map': dict(sorted(weight_map.items()))}
    config = {'model_type': 'gpt2', 'architectures': ['GPT2LMHeadModel'], 'vocab_size': 8, 'n_positions': 6, 'n_embd': 4, 'n_layer': 1, 'n_head': 2}
    tokenizer_json = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': 0, 'content': '[UNK]', 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}],
        'normalizer': None, 'pre_tokenizer': {'type': 'WhitespaceSplit'}, 'post_processor': None, 'decoder': None,
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100,
                  'vocab': {'[UNK]': 0, 'a': 1, 'b': 2, '##b': 3}},
    }
    for name, obj in (('model.safetensors.index.json', index), ('config.json', config), ('tokenizer.json', tokenizer_json),
                      ('tokenizer_config.json', {'unk_token': '[UNK]', 'model_max_length': 6}),
                      ('preprocessor_config.json', {'do_resize': False, 'do_rescale': True, 'rescale_factor': 1 / 255})):
        with open(os.path.join(folder, name), 'w') as f:
            json.dump(obj, f, indent=2)
            f.write('\n')
    with open(os.path.join(OUT, 'sharded.expected.json'), 'w') as f:
        json.dump({n: {'shape': list(a.shape), 'f32_bits': f32_bits(a)} for n, a in arrays.items()}, f, indent=1)
        f.write('\n')


# ---------------------------------------------------------------- images

def test_images(rng):
    """Small images with smooth gradients plus noise: hard enough to catch an off-by-one in resampling."""
    h, w = 29, 37
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 255 / (w - 1), y * 255 / (h - 1), (x + y) * 255 / (w + h - 2)], axis=-1)
    rgb = np.clip(rgb + rng.integers(-40, 41, size=rgb.shape), 0, 255).astype(np.uint8)
    rgba = np.concatenate([rgb, rng.integers(0, 256, size=(h, w, 1), dtype=np.uint8)], axis=-1)
    gray = rng.integers(0, 256, size=(16, 16), dtype=np.uint8)
    return {
        'rgb.png': Image.fromarray(rgb, 'RGB'),
        'rgba.png': Image.fromarray(rgba, 'RGBA'),
        'gray.png': Image.fromarray(gray, 'L'),
        'palette.png': Image.fromarray(rgb, 'RGB').quantize(colors=16),
        'trns.png': Image.fromarray((rgb // 64) * 64, 'RGB'),
        'photo444.jpg': Image.fromarray(rgb, 'RGB'),
        'photo420.jpg': Image.fromarray(rgb, 'RGB'),
    }


def preprocess(image, config):
    """transformers' image processor steps, in the same order and precision, written with PIL + numpy."""
    image = image.convert('RGB')
    if config.get('do_resize', True):
        size = config['size']
        image = image.resize((size['width'], size['height']), resample=config.get('resample', 2), reducing_gap=None)
    array = np.asarray(image)
    if config.get('do_rescale', True):
        array = (array * config.get('rescale_factor', 1 / 255)).astype(np.float32)
    else:
        array = array.astype(np.float32)
    if config.get('do_normalize', True):
        mean = np.array(config['image_mean'], dtype=np.float32)
        std = np.array(config['image_std'], dtype=np.float32)
        array = ((array - mean) / std).astype(np.float32)
    return array


def make_image_golden():
    folder = os.path.join(OUT, 'images')
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(5)
    images = test_images(rng)
    for name, image in images.items():
        if name == 'trns.png':
            # A tRNS colour key: PIL keeps the keyed pixels' colour when converting to RGB.
            image.save(os.path.join(folder, name), transparency=tuple(int(v) for v in np.asarray(image)[15, 20]))
        elif name.endswith('.jpg'):
            # 4:4:4 isolates IDCT differences between decoders; 4:2:0 adds chroma upsampling differences.
            image.save(os.path.join(folder, name), quality=90, subsampling=0 if '444' in name else 2)
        else:
            image.save(os.path.join(folder, name))
    vit = {'image_mean': [0.5, 0.5, 0.5], 'image_std': [0.5, 0.5, 0.5], 'rescale_factor': 0.00392156862745098}
    imagenet = {'image_mean': [0.485, 0.456, 0.406], 'image_std': [0.229, 0.224, 0.225], 'rescale_factor': 1 / 255}
    cases = [
        ('rgb.png', 'none', {**vit, 'do_resize': False}),
        ('rgb.png', 'same size', {**imagenet, 'size': {'height': 29, 'width': 37}, 'resample': 2}),
        ('rgba.png', 'drop alpha', {**vit, 'do_resize': False}),
        ('gray.png', 'gray upscale x2', {**vit, 'size': {'height': 32, 'width': 32}, 'resample': 2}),
        ('gray.png', 'gray downscale x2', {**imagenet, 'size': {'height': 8, 'width': 8}, 'resample': 2}),
        ('palette.png', 'palette', {**vit, 'do_resize': False}),
        ('trns.png', 'tRNS colour key', {**vit, 'do_resize': False}),
        ('rgb.png', 'bilinear down', {**imagenet, 'size': {'height': 24, 'width': 24}, 'resample': 2}),
        ('rgb.png', 'bilinear up', {**vit, 'size': {'height': 40, 'width': 51}, 'resample': 2}),
        ('rgb.png', 'bicubic', {**vit, 'size': {'height': 20, 'width': 45}, 'resample': 3}),
        ('rgb.png', 'nearest', {**vit, 'size': {'height': 13, 'width': 50}, 'resample': 0}),
        ('rgb.png', 'no rescale no normalize', {'do_resize': False, 'do_rescale': False, 'do_normalize': False}),
        ('photo444.jpg', 'jpeg 4:4:4', {**vit, 'do_resize': False}),
        ('photo420.jpg', 'jpeg 4:2:0', {**vit, 'do_resize': False}),
    ]
    golden = []
    for file, label, config in cases:
        with Image.open(os.path.join(folder, file)) as image:
            out = preprocess(image, config)
        golden.append({'file': file, 'label': label, 'config': config, 'shape': list(out.shape),
                       'f32_le_base64': base64.b64encode(out.astype('<f4').tobytes()).decode('ascii')})
    with open(os.path.join(folder, 'golden.json'), 'w') as f:
        json.dump(golden, f)
        f.write('\n')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    make_safetensors_golden()
    make_sharded_folder()
    make_image_golden()
    print('wrote', OUT, file=sys.stderr)
