// A small, bounds-checked FlatBuffers reader. Every access is checked against the buffer, so
// hostile offsets raise vortex-corrupt instead of reading out of bounds.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "../core/bytes.hpp"

namespace gyre::fb {

class Table;

// A vector field: [u32 length][elements].
class Vector {
 public:
  Vector() = default;
  Vector(Bytes buf, uint64_t elems, uint32_t len) : buf_(buf), elems_(elems), len_(len) {}
  uint32_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  // Scalars.
  template <typename T>
  T scalar(uint32_t i) const {
    check(i, sizeof(T));
    return buf_.read<T>(elems_ + uint64_t(i) * sizeof(T));
  }
  // Vector of tables (each element is a u32 offset relative to itself).
  Table table(uint32_t i) const;
  std::string_view string(uint32_t i) const;
  // Vector of fixed-size structs: the bytes of element i.
  Bytes strukt(uint32_t i, uint32_t struct_size) const {
    check(i, struct_size);
    return buf_.slice(elems_ + uint64_t(i) * struct_size, struct_size);
  }
  Bytes bytes() const { return buf_.slice(elems_, len_, "flatbuffer vector out of bounds"); }

 private:
  void check(uint32_t i, uint64_t width) const {
    if (i >= len_) corrupt("flatbuffer vector index out of range");
    (void)buf_.slice(elems_, uint64_t(len_) * width, "flatbuffer vector out of bounds");
  }
  Bytes buf_;
  uint64_t elems_ = 0;
  uint32_t len_ = 0;
};

class Table {
 public:
  Table() = default;
  Table(Bytes buf, uint64_t pos) : buf_(buf), pos_(pos) {
    int32_t soff = buf_.read<int32_t>(pos_, "flatbuffer table out of bounds");
    int64_t vt = int64_t(pos_) - soff;
    if (vt < 0 || uint64_t(vt) + 4 > buf_.size) corrupt("flatbuffer vtable out of bounds");
    vtable_ = uint64_t(vt);
    vtsize_ = buf_.read<uint16_t>(vtable_);
    uint16_t tsize = buf_.read<uint16_t>(vtable_ + 2);
    if (vtsize_ < 4 || (vtsize_ & 1)) corrupt("flatbuffer vtable malformed");
    (void)buf_.slice(vtable_, vtsize_, "flatbuffer vtable out of bounds");
    (void)buf_.slice(pos_, tsize < 4 ? 4 : tsize, "flatbuffer table out of bounds");
  }
  static Table root(Bytes buf) {
    uint32_t off = buf.read<uint32_t>(0, "flatbuffer too short");
    return Table(buf, off);
  }
  bool valid() const { return buf_.data != nullptr; }

  // Offset of field `id` relative to the table, or 0 when absent.
  uint16_t field_offset(unsigned id) const {
    uint64_t slot = 4 + 2ull * id;
    if (slot + 2 > vtsize_) return 0;
    return buf_.read<uint16_t>(vtable_ + slot);
  }
  bool has(unsigned id) const { return field_offset(id) != 0; }

  template <typename T>
  T scalar(unsigned id, T dflt) const {
    uint16_t o = field_offset(id);
    return o ? buf_.read<T>(pos_ + o, "flatbuffer field out of bounds") : dflt;
  }
  Table table(unsigned id) const {
    uint64_t p = indirect(id);
    return p ? Table(buf_, p) : Table();
  }
  Vector vector(unsigned id) const {
    uint64_t p = indirect(id);
    if (!p) return Vector();
    uint32_t len = buf_.read<uint32_t>(p, "flatbuffer vector out of bounds");
    // Every element takes at least one byte: a longer vector cannot fit in the buffer.
    if (len > buf_.size - (p + 4 > buf_.size ? buf_.size : p + 4)) corrupt("flatbuffer vector longer than its buffer");
    return Vector(buf_, p + 4, len);
  }
  std::string_view string(unsigned id) const {
    uint64_t p = indirect(id);
    if (!p) return {};
    return read_string(buf_, p);
  }
  // A struct stored inline in the table.
  Bytes strukt(unsigned id, uint32_t size) const {
    uint16_t o = field_offset(id);
    if (!o) return Bytes();
    return buf_.slice(pos_ + o, size, "flatbuffer struct out of bounds");
  }

  static std::string_view read_string(Bytes buf, uint64_t p) {
    uint32_t len = buf.read<uint32_t>(p, "flatbuffer string out of bounds");
    Bytes s = buf.slice(p + 4, len, "flatbuffer string out of bounds");
    return std::string_view(reinterpret_cast<const char*>(s.data), s.size);
  }

 private:
  uint64_t indirect(unsigned id) const {
    uint16_t o = field_offset(id);
    if (!o) return 0;
    uint64_t at = pos_ + o;
    uint32_t rel = buf_.read<uint32_t>(at, "flatbuffer offset out of bounds");
    uint64_t p = at + rel;
    if (p >= buf_.size) corrupt("flatbuffer offset out of bounds");
    return p;
  }

  Bytes buf_;
  uint64_t pos_ = 0;
  uint64_t vtable_ = 0;
  uint16_t vtsize_ = 0;
};

inline Table Vector::table(uint32_t i) const {
  check(i, 4);
  uint64_t at = elems_ + uint64_t(i) * 4;
  uint32_t rel = buf_.read<uint32_t>(at);
  if (at + rel >= buf_.size) corrupt("flatbuffer offset out of bounds");
  return Table(buf_, at + rel);
}

inline std::string_view Vector::string(uint32_t i) const {
  check(i, 4);
  uint64_t at = elems_ + uint64_t(i) * 4;
  uint32_t rel = buf_.read<uint32_t>(at);
  return Table::read_string(buf_, at + rel);
}

}  // namespace gyre::fb
