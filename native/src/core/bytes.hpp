// Little-endian loads and a bounds-checked byte span.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "error.hpp"

namespace gyre {

template <typename T>
inline T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // x86-64 and aarch64 targets are little-endian
  return v;
}

struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;

  Bytes() = default;
  Bytes(const uint8_t* d, size_t n) : data(d), size(n) {}

  bool empty() const { return size == 0; }
  // Sub-range [off, off+len), checked.
  Bytes slice(uint64_t off, uint64_t len, const char* what = "byte range out of bounds") const {
    if (off > size || len > size - off) corrupt(what);
    return Bytes(data + off, static_cast<size_t>(len));
  }
  template <typename T>
  T read(uint64_t off, const char* what = "read out of bounds") const {
    if (off > size || sizeof(T) > size - off) corrupt(what);
    return load_le<T>(data + off);
  }
};

}  // namespace gyre
