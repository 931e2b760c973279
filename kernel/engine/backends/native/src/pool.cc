#include "pool.h"

namespace tb {

Pool& Pool::get() {
  static Pool pool;
  return pool;
}

Pool::~Pool() { stop(); }

void Pool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
  quit_ = false;
}

void Pool::resize(int threads) {
  if (threads < 1) threads = 1;
  if (threads == this->threads()) return;
  stop();
  for (int i = 1; i < threads; i++) workers_.emplace_back([this, i] { loop(i); });
}

void Pool::loop(int index) {
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(size_t, size_t)>* job;
    size_t n, chunks;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
      if (quit_) return;
      seen = generation_;
      job = job_;
      n = n_;
      chunks = chunks_;
    }
    if (static_cast<size_t>(index) < chunks) {
      size_t begin = n * index / chunks, end = n * (index + 1) / chunks;
      if (begin < end) (*job)(begin, end);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

void Pool::parallelFor(size_t n, size_t minPerThread, const std::function<void(size_t, size_t)>& fn) {
  size_t chunks = static_cast<size_t>(threads());
  if (minPerThread < 1) minPerThread = 1;
  if (n / minPerThread < chunks) chunks = n / minPerThread;
  if (chunks <= 1 || workers_.empty()) {
    if (n > 0) fn(0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    n_ = n;
    chunks_ = chunks;
    pending_ = static_cast<int>(workers_.size());
    generation_++;
  }
  wake_.notify_all();
  fn(0, n / chunks);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
}

}  // namespace tb
