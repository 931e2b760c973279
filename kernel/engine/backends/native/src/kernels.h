// The addon's exported functions, one file per group of kernels. Each reads and writes JS typed arrays in place.
#pragma once
#include <node_api.h>
#include "napi_util.h"

namespace tb {
napi_value Info(napi_env env, napi_callback_info info);
napi_value SetThreads(napi_env env, napi_callback_info info);
napi_value Gemm(napi_env env, napi_callback_info info);
napi_value Binary(napi_env env, napi_callback_info info);
napi_value Unary(napi_env env, napi_callback_info info);
napi_value Softmax(napi_env env, napi_callback_info info);
napi_value Reduce(napi_env env, napi_callback_info info);
napi_value Transpose(napi_env env, napi_callback_info info);
napi_value Gather(napi_env env, napi_callback_info info);
napi_value SegmentSum(napi_env env, napi_callback_info info);
napi_value AdamW(napi_env env, napi_callback_info info);
napi_value Slice(napi_env env, napi_callback_info info);
napi_value CopyRows(napi_env env, napi_callback_info info);
napi_value Gelu(napi_env env, napi_callback_info info);
napi_value GeluGrad(napi_env env, napi_callback_info info);
napi_value LayerNorm(napi_env env, napi_callback_info info);
napi_value LayerNormGrad(napi_env env, napi_callback_info info);

// Wraps a kernel body: argument errors become JS TypeErrors.
template <typename F>
napi_value guarded(napi_env env, F body) {
  try {
    body();
  } catch (const ArgError& e) {
    napi_throw_type_error(env, "TUNEBOOK_NATIVE", e.message.c_str());
  }
  return nullptr;
}
}  // namespace tb
