// Registers the addon's functions (Node-API, so one build serves every Node version with this ABI).
#include "kernels.h"
#include "pool.h"

namespace {
napi_value Init(napi_env env, napi_value exports) {
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {
      {"info", tb::Info},         {"setThreads", tb::SetThreads}, {"gemm", tb::Gemm},         {"binary", tb::Binary},
      {"unary", tb::Unary},       {"softmax", tb::Softmax},       {"reduce", tb::Reduce},     {"transpose", tb::Transpose},
      {"gather", tb::Gather},     {"segmentSum", tb::SegmentSum}, {"adamw", tb::AdamW},       {"slice", tb::Slice},           {"copyRows", tb::CopyRows},
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
