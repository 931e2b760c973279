// Batched GEMM on cblas_sgemm, transposes passed through (never materialised), with an optional fused
// bias (length N, added to every row) and activation (0 none, 1 relu, 2 sigmoid).
#include <cblas.h>
#include <cmath>
#include "kernels.h"
#include "napi_util.h"
#include "pool.h"

namespace tb {

napi_value Info(napi_env env, napi_callback_info) {
  napi_value out, config, threads, pool;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config);
  napi_create_int32(env, openblas_get_num_threads(), &threads);
  napi_create_int32(env, Pool::get().threads(), &pool);
  napi_set_named_property(env, out, "config", config);
  napi_set_named_property(env, out, "threads", threads);
  napi_set_named_property(env, out, "poolThreads", pool);
  return out;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    int n = static_cast<int>(a.i64(0));
    openblas_set_num_threads(n);
    Pool::get().resize(n);
  });
}

// gemm(a, b, out, batchA, batchB, M, N, K, transA, transB, bias|null, activation)
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const float* A = a.f32(0);
    const float* B = a.f32(1);
    float* C = a.f32(2);
    const int64_t batchA = a.i64(3), batchB = a.i64(4), M = a.i64(5), N = a.i64(6), K = a.i64(7);
    const bool tA = a.flag(8), tB = a.flag(9);
    const float* bias = a.isNull(10) ? nullptr : a.f32(10);
    const int act = static_cast<int>(a.i64(11));
    const int64_t batch = batchA > batchB ? batchA : batchB;
    if (M == 0 || N == 0) return;
    for (int64_t i = 0; i < batch; i++) {
      const float* Ai = A + (i % batchA) * M * K;
      const float* Bi = B + (i % batchB) * K * N;
      float* Ci = C + i * M * N;
      if (K == 0) {
        for (int64_t j = 0; j < M * N; j++) Ci[j] = 0.f;
      } else {
        cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, 1.f, Ai,
                    tA ? M : K, Bi, tB ? K : N, 0.f, Ci, N);
      }
    }
    if (bias == nullptr && act == 0) return;
    const size_t rows = static_cast<size_t>(batch * M);
    Pool::get().parallelFor(rows, 64, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) {
        float* row = C + r * N;
        if (bias) for (int64_t j = 0; j < N; j++) row[j] += bias[j];
        if (act == 1) for (int64_t j = 0; j < N; j++) row[j] = row[j] > 0.f ? row[j] : 0.f;
        if (act == 2) for (int64_t j = 0; j < N; j++) row[j] = 1.f / (1.f + std::exp(-row[j]));
      }
    });
  });
}

}  // namespace tb
