// Column: a decoded array in canonical Arrow layout. Every encoding decodes to this.
//
// Buffers per physical kind (offset is always 0; slices copy):
//   Null                   none
//   Bool                   [bits]                    LSB-first, like Arrow
//   Primitive(ptype)       [values]
//   Decimal(p,s)           [values]                  16-byte (p ≤ 38) or 32-byte two's complement LE
//   Utf8 / Binary          [offsets, data]           offsets i32, or i64 when `large`
//   List                   [offsets] + children[0]   offsets i32, or i64 when `large`
//   Map                    [offsets] + children[0]   like List; the child is the non-nullable entries
//                                                    Struct{key, value} (Arrow Map layout)
//   FixedSizeList          children[0]
//   Struct                 children (one per field)
//   Extension              as its storage dtype
// `validity` empty means "no nulls"; otherwise a bitmap of `length` bits (1 = valid).
#pragma once
#include <cstdint>
#include <vector>

#include "../core/buffer.hpp"
#include "../dtype/dtype.hpp"

namespace gyre {

struct Column {
  DTypePtr dtype;
  uint64_t length = 0;
  Buffer validity;
  std::vector<Buffer> buffers;
  std::vector<Column> children;
  bool large = false;  // 64-bit offsets (Utf8/Binary/List)

  uint64_t null_count() const;
  bool is_valid(uint64_t i) const {
    return validity.empty() || (validity.data()[i >> 3] >> (i & 7)) & 1;
  }
  // Total bytes of all buffers (for metrics / memory accounting).
  uint64_t nbytes() const;
};

// Allocation with a per-decode budget (bytes); throws vortex-limit when exceeded.
class Allocator {
 public:
  explicit Allocator(uint64_t budget) : left_(budget) {}
  Buffer alloc(uint64_t n) {
    charge(n);
    return Buffer::alloc(size_t(n));
  }
  Buffer zeros(uint64_t n) {
    charge(n);
    return Buffer::zeros(size_t(n));
  }
  void charge(uint64_t n);

 private:
  uint64_t left_;
};

// Bit helpers.
inline bool get_bit(const uint8_t* bits, uint64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void set_bit(uint8_t* bits, uint64_t i) { bits[i >> 3] |= uint8_t(1u << (i & 7)); }
inline void clear_bit(uint8_t* bits, uint64_t i) { bits[i >> 3] &= uint8_t(~(1u << (i & 7))); }
inline uint64_t bitmap_bytes(uint64_t n) { return (n + 7) / 8; }
uint64_t count_set_bits(const uint8_t* bits, uint64_t n);
// Copies n bits from src (starting at bit src_off) to dst (starting at bit dst_off).
void copy_bits(const uint8_t* src, uint64_t src_off, uint8_t* dst, uint64_t dst_off, uint64_t n);

// A column of `len` nulls (or zero values) of dtype `d`: validity all false when nullable.
Column make_null_column(Allocator& a, const DTypePtr& d, uint64_t len);
// Concatenates columns of the same dtype.
Column concat_columns(Allocator& a, const DTypePtr& d, const std::vector<Column>& parts);
// Rows [start, start+n) of c (copies).
Column slice_column(Allocator& a, const Column& c, uint64_t start, uint64_t n);
// out[i] = values[indices[i]]; indices of an unsigned or signed int ptype; an index at a null
// position of `index_validity` (may be empty) gives null. Indices are bounds-checked.
Column take_column(Allocator& a, const Column& values, const Column& indices);
// Replaces c's validity by AND-ing in `bits` (len bits); empty bits = no change.
void and_validity(Allocator& a, Column& c, const Buffer& bits);
// Makes dtype-nullability consistent: a non-nullable dtype must not carry validity.
void set_dtype(Column& c, const DTypePtr& d);

}  // namespace gyre
