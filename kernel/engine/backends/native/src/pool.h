// A small persistent thread pool for memory-bound loops: parallelFor(n, fn) splits [0, n) into one chunk per
// thread; the calling thread runs the first chunk. Workers sleep on a condition variable between jobs.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tb {

class Pool {
 public:
  static Pool& get();
  void resize(int threads);
  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // Runs fn(begin, end) over [0, n) split in chunks; serial when n < minPerThread * 2.
  void parallelFor(size_t n, size_t minPerThread, const std::function<void(size_t, size_t)>& fn);
  ~Pool();

 private:
  void stop();
  void loop(int index);
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, size_t)>* job_ = nullptr;
  size_t n_ = 0, chunks_ = 0;
  unsigned long generation_ = 0;
  int pending_ = 0;
  bool quit_ = false;
};

}  // namespace tb
