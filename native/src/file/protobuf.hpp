// A minimal protobuf wire-format reader (proto3 as written by prost): enough for Vortex metadata.
#pragma once
#include <cstdint>
#include <string>

#include "../core/bytes.hpp"

namespace gyre::pb {

enum class Wire : uint8_t { Varint = 0, Fixed64 = 1, Len = 2, Fixed32 = 5 };

struct Field {
  uint32_t number = 0;
  Wire wire = Wire::Varint;
  uint64_t varint = 0;  // Varint / Fixed32 / Fixed64 payload
  Bytes bytes;          // Len payload

  int64_t sint() const { return int64_t(varint >> 1) ^ -int64_t(varint & 1); }
};

class Reader {
 public:
  explicit Reader(Bytes b) : b_(b) {}
  bool next(Field& f) {
    if (pos_ >= b_.size) return false;
    uint64_t key = varint();
    f.number = uint32_t(key >> 3);
    if (f.number == 0) corrupt("protobuf field number 0");
    f.wire = Wire(key & 7);
    f.bytes = Bytes();
    switch (f.wire) {
      case Wire::Varint:
        f.varint = varint();
        break;
      case Wire::Fixed64:
        f.varint = b_.read<uint64_t>(pos_, "protobuf truncated");
        pos_ += 8;
        break;
      case Wire::Fixed32:
        f.varint = b_.read<uint32_t>(pos_, "protobuf truncated");
        pos_ += 4;
        break;
      case Wire::Len: {
        uint64_t n = varint();
        f.bytes = b_.slice(pos_, n, "protobuf length out of bounds");
        pos_ += n;
        break;
      }
      default:
        corrupt("protobuf wire type unsupported");
    }
    return true;
  }
  bool done() const { return pos_ >= b_.size; }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size) corrupt("protobuf varint truncated");
      uint8_t c = b_.data[pos_++];
      v |= uint64_t(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    corrupt("protobuf varint too long");
  }

 private:
  Bytes b_;
  uint64_t pos_ = 0;
};

// Calls fn(value) for each element of a packed (or unpacked) repeated varint field.
template <typename Fn>
void for_each_packed_varint(const Field& f, Fn&& fn) {
  if (f.wire == Wire::Varint) {
    fn(f.varint);
    return;
  }
  if (f.wire != Wire::Len) corrupt("protobuf repeated field has bad wire type");
  Reader raw(f.bytes);
  while (!raw.done()) fn(raw.varint());
}

}  // namespace gyre::pb
