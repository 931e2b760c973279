// Data movement on 4-byte elements (float32 or int32 bits): transpose, gather along an axis, and
// scatter-add by segment id (UnsortedSegmentSum, float32).
#include <cstdint>
#include <cstring>
#include <vector>
#include "kernels.h"
#include "pool.h"

namespace tb {

// transpose(x, out, shape: Int32Array, perm: Int32Array)
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    size_t n;
    const uint32_t* X = static_cast<const uint32_t*>(a.any4(0, &n));
    uint32_t* O = static_cast<uint32_t*>(a.any4(1));
    size_t rank;
    const int32_t* shape = a.i32(2, &rank);
    const int32_t* perm = a.i32(3);
    if (n == 0) return;
    std::vector<int64_t> inStride(rank, 1);
    for (size_t d = rank - 1; d-- > 0;) inStride[d] = inStride[d + 1] * shape[d + 1];
    // Output dims with the source stride of each; collapse output neighbours that are contiguous in the source.
    std::vector<int64_t> dims, strides;
    for (size_t d = 0; d < rank; d++) {
      const int64_t size = shape[perm[d]], stride = inStride[perm[d]];
      if (size == 1) continue;
      if (!dims.empty() && strides.back() == stride * size) {
        dims.back() *= size;
        strides.back() = stride;
      } else {
        dims.push_back(size);
        strides.push_back(stride);
      }
    }
    if (dims.empty()) {
      O[0] = X[0];
      return;
    }
    const size_t r = dims.size();
    const int64_t inner = dims[r - 1], innerStride = strides[r - 1];
    const size_t rows = n / static_cast<size_t>(inner);
    Pool::get().parallelFor(rows, inner >= 8192 ? 1 : 8192 / inner, [&](size_t r0, size_t r1) {
      std::vector<int64_t> idx(r, 0);
      size_t rest = r0;
      int64_t off = 0;
      for (size_t d = r - 1; d-- > 0;) {
        idx[d] = static_cast<int64_t>(rest % static_cast<size_t>(dims[d]));
        rest /= static_cast<size_t>(dims[d]);
        off += idx[d] * strides[d];
      }
      for (size_t row = r0; row < r1; row++) {
        uint32_t* o = O + row * inner;
        const uint32_t* x = X + off;
        if (innerStride == 1) std::memcpy(o, x, static_cast<size_t>(inner) * 4);
        else for (int64_t j = 0; j < inner; j++) o[j] = x[j * innerStride];
        for (size_t d = r - 1; d-- > 0;) {
          off += strides[d];
          if (++idx[d] < dims[d]) break;
          off -= strides[d] * dims[d];
          idx[d] = 0;
        }
      }
    });
  });
}

// gather(x, indices: Int32Array, out, outer, axisDim, inner) → index of the first out-of-range entry, or -1
napi_value Gather(napi_env env, napi_callback_info info) {
  Args a(env, info);
  int64_t bad = -1;
  napi_value result = guarded(env, [&] {
    const uint32_t* X = static_cast<const uint32_t*>(a.any4(0));
    size_t nIdx;
    const int32_t* idx = a.i32(1, &nIdx);
    uint32_t* O = static_cast<uint32_t*>(a.any4(2));
    const int64_t outer = a.i64(3), axisDim = a.i64(4), inner = a.i64(5);
    for (size_t i = 0; i < nIdx; i++) {
      if (idx[i] < 0 || idx[i] >= axisDim) {
        bad = static_cast<int64_t>(i);
        return;
      }
    }
    const size_t rows = static_cast<size_t>(outer) * nIdx;
    Pool::get().parallelFor(rows, inner >= 4096 ? 1 : 4096 / (inner > 0 ? inner : 1), [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) {
        const size_t o = r / nIdx, i = r % nIdx;
        std::memcpy(O + r * inner, X + (o * axisDim + idx[i]) * inner, static_cast<size_t>(inner) * 4);
      }
    });
  });
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return result;
  napi_value out;
  napi_create_int64(env, bad, &out);
  return out;
}

// segmentSum(x, ids: Int32Array, out, numSegments, rowSize); out is zero-filled by the caller. Ids outside
// [0, numSegments) are dropped (as tfjs does).
napi_value SegmentSum(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const float* X = a.f32(0);
    size_t n;
    const int32_t* ids = a.i32(1, &n);
    float* O = a.f32(2);
    const int64_t numSegments = a.i64(3), rowSize = a.i64(4);
    // Threads split the columns, so no two threads add into the same output element.
    Pool::get().parallelFor(static_cast<size_t>(rowSize), 512, [&](size_t c0, size_t c1) {
      for (size_t i = 0; i < n; i++) {
        const int32_t s = ids[i];
        if (s < 0 || s >= numSegments) continue;
        const float* x = X + i * rowSize;
        float* o = O + s * rowSize;
        for (size_t c = c0; c < c1; c++) o[c] += x[c];
      }
    });
  });
}

}  // namespace tb

namespace tb {

// slice(x, out, shape: Int32Array, begin: Int32Array, size: Int32Array): out = x[begin : begin + size]
napi_value Slice(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const uint32_t* X = static_cast<const uint32_t*>(a.any4(0));
    size_t n;
    uint32_t* O = static_cast<uint32_t*>(a.any4(1, &n));
    size_t rank;
    const int32_t* shape = a.i32(2, &rank);
    const int32_t* begin = a.i32(3);
    const int32_t* size = a.i32(4);
    if (n == 0) return;
    if (rank == 0) {
      O[0] = X[0];
      return;
    }
    std::vector<int64_t> stride(rank, 1);
    for (size_t d = rank - 1; d-- > 0;) stride[d] = stride[d + 1] * shape[d + 1];
    // Trailing axes taken whole extend the contiguous run.
    size_t last = rank - 1;
    int64_t inner = size[last];
    while (last > 0 && size[last] == shape[last]) {
      last--;
      inner *= size[last];
    }
    int64_t base = 0;
    for (size_t d = 0; d < rank; d++) base += static_cast<int64_t>(begin[d]) * stride[d];
    const size_t rows = n / static_cast<size_t>(inner);
    Pool::get().parallelFor(rows, inner >= 8192 ? 1 : 8192 / inner, [&](size_t r0, size_t r1) {
      for (size_t row = r0; row < r1; row++) {
        int64_t off = base;
        size_t rest = row;
        for (size_t d = last; d-- > 0;) {
          off += static_cast<int64_t>(rest % static_cast<size_t>(size[d])) * stride[d];
          rest /= static_cast<size_t>(size[d]);
        }
        std::memcpy(O + row * inner, X + off, static_cast<size_t>(inner) * 4);
      }
    });
  });
}

// copyRows(src, dst, rows, rowLen, dstStride, dstOffset): dst[r * dstStride + dstOffset + j] = src[r * rowLen + j]
napi_value CopyRows(napi_env env, napi_callback_info info) {
  Args a(env, info);
  return guarded(env, [&] {
    const uint32_t* S = static_cast<const uint32_t*>(a.any4(0));
    uint32_t* D = static_cast<uint32_t*>(a.any4(1));
    const int64_t rows = a.i64(2), rowLen = a.i64(3), dstStride = a.i64(4), dstOffset = a.i64(5);
    Pool::get().parallelFor(static_cast<size_t>(rows), rowLen >= 8192 ? 1 : 8192 / (rowLen > 0 ? rowLen : 1), [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) std::memcpy(D + r * dstStride + dstOffset, S + r * rowLen, static_cast<size_t>(rowLen) * 4);
    });
  });
}

}  // namespace tb
