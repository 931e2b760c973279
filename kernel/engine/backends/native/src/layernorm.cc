// Fused LayerNorm over the last axis (biased variance, as PyTorch), forward and backward.
#include <cmath>
#include <vector>
#include "kernels.h"
#include "pool.h"

namespace tb {

namespace {
// Mean and 1/sqrt(var + eps) of one row, accumulated in double.
inline void rowStats(const float* x, int64_t cols, float eps, float* mean, float* rstd) {
  double s = 0;
  for (int64_t j = 0; j < cols; j++) s += x[j];
  const double m = s / static_cast<double>(cols);
  double v = 0;
  for (int64_t j = 0; j < cols; j++) {
    const double d = x[j] - m;
    v += d * d;
  }
  *mean = static_cast<float>(m);
  *rstd = static_cast<float>(1.0 / std::sqrt(v / static_cast<double>(cols) + eps));
}
}  // namespace

// layerNorm(x, weight, bias, out, rows, cols, eps)
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const float* X = a.f32(0);
    const float* W = a.f32(1);
    const float* B = a.f32(2);
    float* O = a.f32(3);
    const int64_t rows = a.i64(4), cols = a.i64(5);
    const float eps = static_cast<float>(a.num(6));
    Pool::get().parallelFor(static_cast<size_t>(rows), 8, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) {
        const float* x = X + r * cols;
        float* o = O + r * cols;
        float mean, rstd;
        rowStats(x, cols, eps, &mean, &rstd);
        for (int64_t j = 0; j < cols; j++) o[j] = (x[j] - mean) * rstd * W[j] + B[j];
      }
    });
  });
}

// layerNormGrad(x, weight, dy, dx, dWeight, dBias, rows, cols, eps)
napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const float* X = a.f32(0);
    const float* W = a.f32(1);
    const float* DY = a.f32(2);
    float* DX = a.f32(3);
    float* DW = a.f32(4);
    float* DB = a.f32(5);
    const int64_t rows = a.i64(6), cols = a.i64(7);
    const float eps = static_cast<float>(a.num(8));
    std::vector<float> means(static_cast<size_t>(rows)), rstds(static_cast<size_t>(rows));
    Pool& pool = Pool::get();
    pool.parallelFor(static_cast<size_t>(rows), 8, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) {
        const float* x = X + r * cols;
        const float* dy = DY + r * cols;
        float* dx = DX + r * cols;
        rowStats(x, cols, eps, &means[r], &rstds[r]);
        const float mean = means[r], rstd = rstds[r];
        double sg = 0, sgx = 0;
        for (int64_t j = 0; j < cols; j++) {
          const float g = dy[j] * W[j];
          sg += g;
          sgx += static_cast<double>(g) * ((x[j] - mean) * rstd);
        }
        const float mg = static_cast<float>(sg / static_cast<double>(cols));
        const float mgx = static_cast<float>(sgx / static_cast<double>(cols));
        for (int64_t j = 0; j < cols; j++) {
          const float xhat = (x[j] - mean) * rstd;
          dx[j] = rstd * (dy[j] * W[j] - mg - xhat * mgx);
        }
      }
    });
    // Parameter gradients: columns split across threads, each summing over all rows.
    pool.parallelFor(static_cast<size_t>(cols), 64, [&](size_t c0, size_t c1) {
      std::vector<double> dw(c1 - c0, 0.0), db(c1 - c0, 0.0);
      for (int64_t r = 0; r < rows; r++) {
        const float* x = X + r * cols;
        const float* dy = DY + r * cols;
        const float mean = means[static_cast<size_t>(r)], rstd = rstds[static_cast<size_t>(r)];
        for (size_t c = c0; c < c1; c++) {
          dw[c - c0] += static_cast<double>(dy[c]) * ((x[c] - mean) * rstd);
          db[c - c0] += dy[c];
        }
      }
      for (size_t c = c0; c < c1; c++) {
        DW[c] = static_cast<float>(dw[c - c0]);
        DB[c] = static_cast<float>(db[c - c0]);
      }
    });
  });
}

}  // namespace tb
