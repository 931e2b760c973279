// One fused AdamW update (PyTorch's single-tensor arithmetic), out of place: p, m, v, g → p', m', v'.
#include <cmath>
#include "kernels.h"
#include "pool.h"

namespace tb {

// adamw(p, m, v, g, outP, outM, outV, keep, w1, beta2, w2, stepSize, bc2Sqrt, eps)
napi_value AdamW(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    size_t n;
    const float* p = a.f32(0, &n);
    const float* m = a.f32(1);
    const float* v = a.f32(2);
    const float* g = a.f32(3);
    float* op = a.f32(4);
    float* om = a.f32(5);
    float* ov = a.f32(6);
    const float keep = static_cast<float>(a.num(7)), w1 = static_cast<float>(a.num(8)), beta2 = static_cast<float>(a.num(9)),
                w2 = static_cast<float>(a.num(10)), stepSize = static_cast<float>(a.num(11)),
                bc2Sqrt = static_cast<float>(a.num(12)), eps = static_cast<float>(a.num(13));
    Pool::get().parallelFor(n, 16384, [&](size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; i++) {
        const float gi = g[i];
        const float mi = m[i] + w1 * (gi - m[i]);
        const float vi = beta2 * v[i] + w2 * gi * gi;
        om[i] = mi;
        ov[i] = vi;
        op[i] = p[i] * keep - (stepSize * mi) / (std::sqrt(vi) / bc2Sqrt + eps);
      }
    });
  });
}

}  // namespace tb
