// Small helpers for reading N-API arguments: typed-array data pointers (no copies), numbers, booleans.
#pragma once
#include <node_api.h>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tb {

struct ArgError {
  std::string message;
};

struct Args {
  napi_env env;
  napi_value argv[20];
  size_t argc = 20;
  Args(napi_env e, napi_callback_info info) : env(e) { napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr); }

  napi_value at(size_t i) const {
    if (i >= argc) throw ArgError{"missing argument " + std::to_string(i)};
    return argv[i];
  }
  bool isNull(size_t i) const {
    napi_valuetype t;
    napi_typeof(env, at(i), &t);
    return t == napi_null || t == napi_undefined;
  }
  double num(size_t i) const {
    double v;
    if (napi_get_value_double(env, at(i), &v) != napi_ok) throw ArgError{"argument " + std::to_string(i) + " is not a number"};
    return v;
  }
  int64_t i64(size_t i) const { return static_cast<int64_t>(num(i)); }
  bool flag(size_t i) const {
    bool v;
    if (napi_get_value_bool(env, at(i), &v) != napi_ok) throw ArgError{"argument " + std::to_string(i) + " is not a boolean"};
    return v;
  }
  // Any typed array; `elements` receives its length, `bytesPer` its element size.
  void* typed(size_t i, size_t* elements, size_t* bytesPer) const {
    bool is;
    napi_is_typedarray(env, at(i), &is);
    if (!is) throw ArgError{"argument " + std::to_string(i) + " is not a typed array"};
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_get_typedarray_info(env, at(i), &type, &length, &data, nullptr, nullptr);
    size_t size = 4;
    switch (type) {
      case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: size = 1; break;
      case napi_int16_array: case napi_uint16_array: size = 2; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: size = 8; break;
      default: size = 4;
    }
    if (elements) *elements = length;
    if (bytesPer) *bytesPer = size;
    return data;
  }
  float* f32(size_t i, size_t* n = nullptr) const { return static_cast<float*>(typed4(i, n, napi_float32_array, "Float32Array")); }
  int32_t* i32(size_t i, size_t* n = nullptr) const { return static_cast<int32_t*>(typed4(i, n, napi_int32_array, "Int32Array")); }
  // A typed array whose elements are 4 bytes (Float32Array, Int32Array, Uint32Array), for data movement.
  void* any4(size_t i, size_t* n = nullptr) const {
    size_t per;
    void* p = typed(i, n, &per);
    if (per != 4) throw ArgError{"argument " + std::to_string(i) + " must have 4-byte elements"};
    return p;
  }

 private:
  void* typed4(size_t i, size_t* n, napi_typedarray_type want, const char* name) const {
    bool is;
    napi_is_typedarray(env, at(i), &is);
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (is) napi_get_typedarray_info(env, at(i), &type, &length, &data, nullptr, nullptr);
    if (!is || type != want) throw ArgError{"argument " + std::to_string(i) + " is not a " + name};
    if (n) *n = length;
    return data;
  }
};

}  // namespace tb
