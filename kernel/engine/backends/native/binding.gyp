{
  "targets": [
    {
      "target_name": "tunebook_native",
      "sources": ["src/addon.cc", "src/pool.cc", "src/gemm.cc", "src/elementwise.cc", "src/reduce.cc", "src/movement.cc", "src/adamw.cc", "src/activation.cc", "src/layernorm.cc"],
      "include_dirs": ["<!(echo ${TUNEBOOK_OPENBLAS_INCLUDE:-/usr/include/x86_64-linux-gnu/openblas-pthread})"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-march=x86-64-v2", "-mtune=generic"],
      "ldflags": ["-static-libstdc++", "-Wl,--disable-new-dtags"],
      "libraries": ["-L<!(echo ${TUNEBOOK_OPENBLAS_LIBDIR:-/usr/lib/x86_64-linux-gnu})", "-lopenblas", "-lpthread", "-Wl,-rpath,'$$ORIGIN'"]
    }
  ]
}
