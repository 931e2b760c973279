// Reductions over the middle axis of [outer, mid, inner] (sum/max/min/mean, double accumulation as tfjs cpu
// does) and row-wise softmax / log-softmax over the last axis.
#include <cmath>
#include <vector>
#include "kernels.h"
#include "pool.h"

namespace tb {

enum ReduceOp { SUM = 0, MAX, MIN, MEAN };

// reduce(op, x, out, outer, mid, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const int op = static_cast<int>(a.i64(0));
    const float* X = a.f32(1);
    float* O = a.f32(2);
    const int64_t outer = a.i64(3), mid = a.i64(4), inner = a.i64(5);
    if (op < SUM || op > MEAN) throw ArgError{"unknown reduce op " + std::to_string(op)};
    if (inner == 1) {
      Pool::get().parallelFor(static_cast<size_t>(outer), mid >= 4096 ? 1 : 4096 / (mid > 0 ? mid : 1), [&](size_t r0, size_t r1) {
        for (size_t r = r0; r < r1; r++) {
          const float* x = X + r * mid;
          if (op == SUM || op == MEAN) {
            double s = 0;
            for (int64_t j = 0; j < mid; j++) s += x[j];
            O[r] = static_cast<float>(op == MEAN ? s / static_cast<double>(mid) : s);
          } else {
            float m = mid > 0 ? x[0] : (op == MAX ? -INFINITY : INFINITY);
            for (int64_t j = 1; j < mid; j++) {
              const float v = x[j];
              if (std::isnan(v) || (op == MAX ? v > m : v < m)) m = v;
            }
            O[r] = m;
          }
        }
      });
      return;
    }
    // Reduce the middle axis, keeping `inner` contiguous: split the inner columns across threads.
    Pool::get().parallelFor(static_cast<size_t>(inner), 256, [&](size_t c0, size_t c1) {
      std::vector<double> acc(c1 - c0);
      for (int64_t o = 0; o < outer; o++) {
        const float* base = X + o * mid * inner;
        float* out = O + o * inner;
        if (op == SUM || op == MEAN) {
          std::fill(acc.begin(), acc.end(), 0.0);
          for (int64_t j = 0; j < mid; j++) {
            const float* x = base + j * inner;
            for (size_t c = c0; c < c1; c++) acc[c - c0] += x[c];
          }
          for (size_t c = c0; c < c1; c++) out[c] = static_cast<float>(op == MEAN ? acc[c - c0] / static_cast<double>(mid) : acc[c - c0]);
        } else {
          for (size_t c = c0; c < c1; c++) out[c] = mid > 0 ? base[c] : (op == MAX ? -INFINITY : INFINITY);
          for (int64_t j = 1; j < mid; j++) {
            const float* x = base + j * inner;
            for (size_t c = c0; c < c1; c++) {
              const float v = x[c];
              if (std::isnan(v) || (op == MAX ? v > out[c] : v < out[c])) out[c] = v;
            }
          }
        }
      }
    });
  });
}

// softmax(x, out, rows, cols, log)
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const float* X = a.f32(0);
    float* O = a.f32(1);
    const int64_t rows = a.i64(2), cols = a.i64(3);
    const bool log = a.flag(4);
    Pool::get().parallelFor(static_cast<size_t>(rows), cols >= 2048 ? 1 : 2048 / (cols > 0 ? cols : 1), [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) {
        const float* x = X + r * cols;
        float* o = O + r * cols;
        float m = -INFINITY;
        for (int64_t j = 0; j < cols; j++) m = x[j] > m ? x[j] : m;
        double s = 0;
        if (log) {
          for (int64_t j = 0; j < cols; j++) s += std::exp(x[j] - m);
          const float shift = m + static_cast<float>(std::log(s));
          for (int64_t j = 0; j < cols; j++) o[j] = x[j] - shift;
        } else {
          for (int64_t j = 0; j < cols; j++) {
            const float e = std::exp(x[j] - m);
            o[j] = e;
            s += e;
          }
          const float inv = static_cast<float>(1.0 / s);
          for (int64_t j = 0; j < cols; j++) o[j] *= inv;
        }
      }
    });
  });
}

}  // namespace tb
