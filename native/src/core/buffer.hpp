// Owned, 64-byte aligned, reference-counted memory. Decoded columns are made of these; the glue
// hands them to JavaScript as external ArrayBuffers without copying.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "error.hpp"

namespace gyre {

class Buffer {
 public:
  Buffer() = default;

  // Allocates n bytes (rounded up to 64 and zero-filled past n so kernels may over-read a word).
  static Buffer alloc(size_t n) {
    size_t cap = (n + 63) & ~size_t(63);
    if (cap == 0) cap = 64;
    void* p = std::aligned_alloc(64, cap);
    if (!p) throw VortexError(kLimit, "out of memory allocating " + std::to_string(n) + " bytes");
    if (cap > n) std::memset(static_cast<uint8_t*>(p) + n, 0, cap - n);
    Buffer b;
    b.data_ = std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
    b.size_ = n;
    return b;
  }
  static Buffer zeros(size_t n) {
    Buffer b = alloc(n);
    std::memset(b.data(), 0, n);
    return b;
  }
  static Buffer copy_of(const uint8_t* src, size_t n) {
    Buffer b = alloc(n);
    if (n) std::memcpy(b.data(), src, n);
    return b;
  }

  // Memory owned elsewhere (e.g. a JavaScript ArrayBuffer kept alive by the caller): `owner` is
  // held as long as the Buffer lives. Not padded: kernels must not read past size().
  static Buffer external(const uint8_t* p, size_t n, std::shared_ptr<void> owner) {
    Buffer b;
    b.data_ = std::shared_ptr<uint8_t>(std::move(owner), const_cast<uint8_t*>(p));
    b.size_ = n;
    return b;
  }
  // Bytes [off, off+n) of `parent`, sharing its ownership (no copy).
  static Buffer view(const Buffer& parent, size_t off, size_t n) {
    Buffer b;
    b.data_ = std::shared_ptr<uint8_t>(parent.data_, parent.data() + off);
    b.size_ = n;
    return b;
  }

  uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return !data_; }
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data_.get());
  }
  // Shrinks the logical size (the allocation is kept).
  void truncate(size_t n) {
    if (n < size_) size_ = n;
  }
  bool unique() const { return data_.use_count() == 1; }
  const std::shared_ptr<uint8_t>& shared() const { return data_; }

 private:
  std::shared_ptr<uint8_t> data_;
  size_t size_ = 0;
};

}  // namespace gyre
