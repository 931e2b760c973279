// Batched GEMM on cblas_sgemm, transposes passed through (never materialised), with an optional fused
// bias (length N, added to every row) and activation (0 none, 1 relu, 2 sigmoid). Threads come from our pool:
// whole products per thread when there are many, else each product split into column (or row) blocks.
#include <cblas.h>
#include <algorithm>
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
    openblas_set_num_threads(1);
    Pool::get().resize(n);
  });
}

namespace {
// One row-major product C[M×N] = op(A)·op(B) on the calling thread (OpenBLAS runs single-threaded; the pool
// provides the parallelism, so no OpenBLAS worker spins on a core the elementwise kernels need).
void sgemm(bool tA, bool tB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc) {
  if (K == 0) {
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) C[i * ldc + j] = 0.f;
    return;
  }
  cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, 1.f, A, lda, B, ldb, 0.f, C, ldc);
}
}  // namespace

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
    const int64_t lda = tA ? M : K, ldb = tB ? K : N;
    Pool& pool = Pool::get();
    const size_t threads = static_cast<size_t>(pool.threads());
    if (batch >= static_cast<int64_t>(threads) || threads == 1) {
      // Many products (attention heads): one whole product per task.
      pool.parallelFor(static_cast<size_t>(batch), 1, [&](size_t b0, size_t b1) {
        for (size_t i = b0; i < b1; i++) {
          sgemm(tA, tB, M, N, K, A + (i % batchA) * M * K, lda, B + (i % batchB) * K * N, ldb, C + i * M * N, N);
        }
      });
    } else {
      // Few large products: split each one's columns (or rows, when N is narrow) across the threads.
      for (int64_t i = 0; i < batch; i++) {
        const float* Ai = A + (i % batchA) * M * K;
        const float* Bi = B + (i % batchB) * K * N;
        float* Ci = C + i * M * N;
        const bool byColumns = N >= M;
        const int64_t extent = byColumns ? N : M;
        const size_t work = static_cast<size_t>(M) * N * (K > 0 ? K : 1);
        const size_t blocks = (extent + 15) / 16;  // split on multiples of 16 (OpenBLAS's kernel widths)
        pool.parallelFor(work < (1u << 18) ? 1 : blocks, 1, [&](size_t c0, size_t c1) {
          const int64_t from = static_cast<int64_t>(c0) * 16, to = std::min<int64_t>(static_cast<int64_t>(c1) * 16, extent);
          if (work < (1u << 18)) {
            sgemm(tA, tB, M, N, K, Ai, lda, Bi, ldb, Ci, N);
          } else if (byColumns) {
            sgemm(tA, tB, M, to - from, K, Ai, lda, tB ? Bi + from * K : Bi + from, ldb, Ci + from, N);
          } else {
            sgemm(tA, tB, to - from, N, K, tA ? Ai + from : Ai + from * K, lda, Bi, ldb, Ci + from * N, N);
          }
        });
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
