// Elementwise kernels on float32: broadcasting binary arithmetic (strides 0 on broadcast axes) and unary math.
#include <cmath>
#include <cstdint>
#include <vector>
#include "kernels.h"
#include "pool.h"

namespace tb {

namespace {

enum BinaryOp { ADD = 0, SUB, MUL, DIV, MAX, MIN, SQDIFF, POW };

template <int Op>
inline float apply(float x, float y) {
  if constexpr (Op == ADD) return x + y;
  if constexpr (Op == SUB) return x - y;
  if constexpr (Op == MUL) return x * y;
  if constexpr (Op == DIV) return static_cast<float>(static_cast<double>(x) / static_cast<double>(y));
  if constexpr (Op == MAX) return (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y);
  if constexpr (Op == MIN) return (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y);
  if constexpr (Op == SQDIFF) { float d = x - y; return d * d; }
  if constexpr (Op == POW) return static_cast<float>(std::pow(static_cast<double>(x), static_cast<double>(y)));
  return 0.f;
}

// dims/strides collapsed, innermost last; rows = product of all but the last dim.
template <int Op>
void runBinary(const float* A, const float* B, float* O, const std::vector<int64_t>& dims, const std::vector<int64_t>& sa,
               const std::vector<int64_t>& sb) {
  const size_t rank = dims.size();
  const int64_t inner = dims[rank - 1];
  const int64_t ia = sa[rank - 1], ib = sb[rank - 1];
  size_t rows = 1;
  for (size_t d = 0; d + 1 < rank; d++) rows *= static_cast<size_t>(dims[d]);
  const size_t minRows = inner >= 16384 ? 1 : static_cast<size_t>(16384 / (inner > 0 ? inner : 1));
  Pool::get().parallelFor(rows, minRows, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      int64_t offA = 0, offB = 0;
      size_t rest = r;
      for (size_t d = rank - 1; d-- > 0;) {
        int64_t i = static_cast<int64_t>(rest % static_cast<size_t>(dims[d]));
        rest /= static_cast<size_t>(dims[d]);
        offA += i * sa[d];
        offB += i * sb[d];
      }
      const float* a = A + offA;
      const float* b = B + offB;
      float* o = O + static_cast<int64_t>(r) * inner;
      if (ia == 1 && ib == 1) {
        for (int64_t j = 0; j < inner; j++) o[j] = apply<Op>(a[j], b[j]);
      } else if (ia == 1 && ib == 0) {
        const float y = b[0];
        for (int64_t j = 0; j < inner; j++) o[j] = apply<Op>(a[j], y);
      } else if (ia == 0 && ib == 1) {
        const float x = a[0];
        for (int64_t j = 0; j < inner; j++) o[j] = apply<Op>(x, b[j]);
      } else {
        for (int64_t j = 0; j < inner; j++) o[j] = apply<Op>(a[j * ia], b[j * ib]);
      }
    }
  });
}

// x ** y for a scalar integral y in [-?, 4]: repeated products (pow(x, 3) in GELU is hot).
bool smallIntegerPow(const float* A, float y, float* O, size_t n) {
  if (y != 2.f && y != 3.f) return false;
  Pool::get().parallelFor(n, 16384, [&](size_t i0, size_t i1) {
    if (y == 2.f) for (size_t i = i0; i < i1; i++) O[i] = A[i] * A[i];
    else for (size_t i = i0; i < i1; i++) O[i] = A[i] * A[i] * A[i];
  });
  return true;
}

}  // namespace

// binary(op, a, b, out, outShape: Int32Array, aStrides: Int32Array, bStrides: Int32Array)
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const int op = static_cast<int>(a.i64(0));
    const float* A = a.f32(1);
    const float* B = a.f32(2);
    size_t outLen;
    float* O = a.f32(3, &outLen);
    size_t rank;
    const int32_t* shape = a.i32(4, &rank);
    const int32_t* sa = a.i32(5);
    const int32_t* sb = a.i32(6);
    if (outLen == 0) return;
    // Collapse: drop size-1 dims, merge neighbours that are contiguous for both inputs.
    std::vector<int64_t> dims, da, db;
    for (size_t d = 0; d < rank; d++) {
      if (shape[d] == 1) continue;
      if (!dims.empty() && da.back() == static_cast<int64_t>(sa[d]) * shape[d] && db.back() == static_cast<int64_t>(sb[d]) * shape[d]) {
        dims.back() *= shape[d];
        da.back() = sa[d];
        db.back() = sb[d];
      } else {
        dims.push_back(shape[d]);
        da.push_back(sa[d]);
        db.push_back(sb[d]);
      }
    }
    if (dims.empty()) {
      dims.push_back(1);
      da.push_back(0);
      db.push_back(0);
    }
    if (op == POW && dims.size() == 1 && da[0] == 1 && db[0] == 0 && smallIntegerPow(A, B[0], O, outLen)) return;
    switch (op) {
      case ADD: runBinary<ADD>(A, B, O, dims, da, db); break;
      case SUB: runBinary<SUB>(A, B, O, dims, da, db); break;
      case MUL: runBinary<MUL>(A, B, O, dims, da, db); break;
      case DIV: runBinary<DIV>(A, B, O, dims, da, db); break;
      case MAX: runBinary<MAX>(A, B, O, dims, da, db); break;
      case MIN: runBinary<MIN>(A, B, O, dims, da, db); break;
      case SQDIFF: runBinary<SQDIFF>(A, B, O, dims, da, db); break;
      case POW: runBinary<POW>(A, B, O, dims, da, db); break;
      default: throw ArgError{"unknown binary op " + std::to_string(op)};
    }
  });
}

namespace {
enum UnaryOp { TANH = 0, EXP, LOG, SQRT, RSQRT, SQUARE, NEG, RELU, SIGMOID, ABS, ERF, RECIPROCAL, GELU_TANH };

template <int Op>
inline float unary(float x) {
  if constexpr (Op == TANH) return std::tanh(x);
  if constexpr (Op == EXP) return std::exp(x);
  if constexpr (Op == LOG) return std::log(x);
  if constexpr (Op == SQRT) return std::sqrt(x);
  if constexpr (Op == RSQRT) return static_cast<float>(1.0 / std::sqrt(static_cast<double>(x)));
  if constexpr (Op == SQUARE) return x * x;
  if constexpr (Op == NEG) return -x;
  if constexpr (Op == RELU) return std::isnan(x) ? x : (x < 0.f ? 0.f : x);
  if constexpr (Op == SIGMOID) return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x))));
  if constexpr (Op == ABS) return std::fabs(x);
  if constexpr (Op == ERF) return std::erf(x);
  if constexpr (Op == RECIPROCAL) return static_cast<float>(1.0 / static_cast<double>(x));
  return 0.f;
}

template <int Op>
void runUnary(const float* X, float* O, size_t n) {
  Pool::get().parallelFor(n, 8192, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; i++) O[i] = unary<Op>(X[i]);
  });
}
}  // namespace

// unary(op, x, out)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const int op = static_cast<int>(a.i64(0));
    size_t n;
    const float* X = a.f32(1, &n);
    float* O = a.f32(2);
    switch (op) {
      case TANH: runUnary<TANH>(X, O, n); break;
      case EXP: runUnary<EXP>(X, O, n); break;
      case LOG: runUnary<LOG>(X, O, n); break;
      case SQRT: runUnary<SQRT>(X, O, n); break;
      case RSQRT: runUnary<RSQRT>(X, O, n); break;
      case SQUARE: runUnary<SQUARE>(X, O, n); break;
      case NEG: runUnary<NEG>(X, O, n); break;
      case RELU: runUnary<RELU>(X, O, n); break;
      case SIGMOID: runUnary<SIGMOID>(X, O, n); break;
      case ABS: runUnary<ABS>(X, O, n); break;
      case ERF: runUnary<ERF>(X, O, n); break;
      case RECIPROCAL: runUnary<RECIPROCAL>(X, O, n); break;
      default: throw ArgError{"unknown unary op " + std::to_string(op)};
    }
  });
}

}  // namespace tb
