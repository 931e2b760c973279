// Registers the addon's functions (Node-API, so one build serves every Node version with this ABI).
#include <malloc.h>
#include "kernels.h"
#include "pool.h"

namespace {
napi_value Init(napi_env env, napi_value exports) {
  // Tensors are JS typed arrays (calloc'd by Node). glibc would mmap every block over its adaptive threshold
  // and unmap it when freed, so each step page-faulted its activations in again (seconds of system time per
  // GPT-2-small step). Serve blocks up to 32 MiB from the heap and keep up to 1 GiB of freed memory for reuse.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {
      {"info", tb::Info},         {"setThreads", tb::SetThreads}, {"gemm", tb::Gemm},         {"binary", tb::Binary},
      {"unary", tb::Unary},       {"softmax", tb::Softmax},       {"reduce", tb::Reduce},     {"transpose", tb::Transpose},
      {"gather", tb::Gather},     {"segmentSum", tb::SegmentSum}, {"adamw", tb::AdamW},       {"slice", tb::Slice},           {"copyRows", tb::CopyRows},
      {"gelu", tb::Gelu},         {"geluGrad", tb::GeluGrad},
      {"layerNorm", tb::LayerNorm}, {"layerNormGrad", tb::LayerNormGrad},
  };
  for (const auto& f : fns) {
    napi_value value;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &value);
    napi_set_named_property(env, exports, f.name, value);
  }
  return exports;
}
}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
