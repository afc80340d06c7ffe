// A protobuf wire-format writer that emits what Rust prost emits for proto3 messages: scalar
// fields equal to their default are skipped (use the *_always variants for `optional` fields and
// oneof members), repeated scalars are packed. The twin of file/protobuf.hpp.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace gyre::pb {

class Writer {
 public:
  std::vector<uint8_t> out;

  void raw_varint(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(uint8_t(v) | 0x80);
      v >>= 7;
    }
    out.push_back(uint8_t(v));
  }
  void key(uint32_t number, uint8_t wire) { raw_varint((uint64_t(number) << 3) | wire); }

  // uint32/uint64/enum/bool fields.
  void varint(uint32_t number, uint64_t v) {
    if (v) varint_always(number, v);
  }
  void varint_always(uint32_t number, uint64_t v) {
    key(number, 0);
    raw_varint(v);
  }
  // sint64 (zigzag).
  void sint_always(uint32_t number, int64_t v) { varint_always(number, (uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
  void fixed32_always(uint32_t number, uint32_t bits) {
    key(number, 5);
    append(&bits, 4);
  }
  void fixed64_always(uint32_t number, uint64_t bits) {
    key(number, 1);
    append(&bits, 8);
  }
  // Length-delimited: bytes, strings, nested messages (written even when empty).
  void bytes_always(uint32_t number, const void* p, size_t n) {
    key(number, 2);
    raw_varint(n);
    append(p, n);
  }
  void bytes(uint32_t number, const void* p, size_t n) {
    if (n) bytes_always(number, p, n);
  }
  void string(uint32_t number, std::string_view s) { bytes(number, s.data(), s.size()); }
  void message(uint32_t number, const Writer& m) { bytes_always(number, m.out.data(), m.out.size()); }
  void packed(uint32_t number, const std::vector<uint64_t>& vs) {
    if (vs.empty()) return;
    Writer w;
    for (uint64_t v : vs) w.raw_varint(v);
    message(number, w);
  }

 private:
  void append(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
};

}  // namespace gyre::pb
