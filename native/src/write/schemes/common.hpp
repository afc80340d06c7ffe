// Helpers shared by the compression schemes: a protobuf writer, ScalarValue bytes, primitive
// columns and nodes, validity children, integer narrowing, FastLanes bit-packing with patches.
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "../../encodings/common.hpp"
#include "../compressor.hpp"

namespace gyre::write {

// ---- protobuf (proto3 as prost writes it, vortex-format.md §0.2) ---------------------------------

class Proto {
 public:
  std::vector<uint8_t> out;
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(uint8_t(v) | 0x80);
      v >>= 7;
    }
    out.push_back(uint8_t(v));
  }
  void tag(uint32_t field, uint8_t wire) { varint((uint64_t(field) << 3) | wire); }
  // Plain proto3 scalar: omitted when 0.
  Proto& u(uint32_t field, uint64_t v) {
    if (v) tag(field, 0), varint(v);
    return *this;
  }
  // `optional` scalar / oneof member: written whenever set.
  Proto& opt_u(uint32_t field, uint64_t v) {
    tag(field, 0), varint(v);
    return *this;
  }
  Proto& msg(uint32_t field, const std::vector<uint8_t>& m) {
    tag(field, 2), varint(m.size());
    out.insert(out.end(), m.begin(), m.end());
    return *this;
  }
  // Packed repeated varints (omitted when empty).
  Proto& packed(uint32_t field, const std::vector<uint64_t>& vs) {
    if (vs.empty()) return *this;
    Proto body;
    for (uint64_t v : vs) body.varint(v);
    return msg(field, body.out);
  }
};

// ---- ScalarValue bytes (§4.6) ----------------------------------------------------------------------

std::vector<uint8_t> scalar_null();
std::vector<uint8_t> scalar_bool(bool b);
std::vector<uint8_t> scalar_i64(int64_t v);
std::vector<uint8_t> scalar_u64(uint64_t v);
// Element i of a primitive buffer of ptype p (ints: int64/uint64 value; floats: f16/f32/f64).
std::vector<uint8_t> scalar_primitive(PType p, const uint8_t* values, uint64_t i);
// An integer value of ptype p given as 64-bit two's complement bits.
std::vector<uint8_t> scalar_int_bits(PType p, uint64_t bits);

// ---- ptype dispatch ----------------------------------------------------------------------------------

// fn.template operator()<T>() with T the C++ integer type of p.
template <typename Fn>
decltype(auto) with_int_type(PType p, Fn&& fn) {
  return dispatch_int_or_throw(p, kInvalidArgument, std::forward<Fn>(fn));
}
// fn.template operator()<U>() with U the unsigned word of byte width w (1, 2, 4, 8).
template <typename Fn>
decltype(auto) with_word(unsigned w, Fn&& fn) {
  switch (w) {
    case 1: return fn.template operator()<uint8_t>();
    case 2: return fn.template operator()<uint16_t>();
    case 4: return fn.template operator()<uint32_t>();
    default: return fn.template operator()<uint64_t>();
  }
}
template <typename T>
constexpr PType ptype_of() {
  if constexpr (std::is_same_v<T, uint8_t>) return PType::U8;
  else if constexpr (std::is_same_v<T, uint16_t>) return PType::U16;
  else if constexpr (std::is_same_v<T, uint32_t>) return PType::U32;
  else if constexpr (std::is_same_v<T, uint64_t>) return PType::U64;
  else if constexpr (std::is_same_v<T, int8_t>) return PType::I8;
  else if constexpr (std::is_same_v<T, int16_t>) return PType::I16;
  else if constexpr (std::is_same_v<T, int32_t>) return PType::I32;
  else if constexpr (std::is_same_v<T, int64_t>) return PType::I64;
  else if constexpr (std::is_same_v<T, float>) return PType::F32;
  else return PType::F64;
}
inline uint8_t align_of_width(unsigned w) { return w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3; }
// Number of significant bits of v (0 for 0).
inline unsigned bit_width_of(uint64_t v) { return v ? 64 - unsigned(__builtin_clzll(v)) : 0; }

// ---- columns and nodes -------------------------------------------------------------------------------

// A nullable column whose validity marks at least one row invalid.
inline bool has_nulls(const Column& c) {
  return c.dtype->is_nullable() && !c.validity.empty() && c.null_count() > 0;
}
// Calls fn(begin, end) for each maximal run of valid rows (the whole column when it has no
// nulls), scanning the validity bitmap a 64-bit word at a time.
namespace detail {
inline uint64_t bitmap_word(const uint8_t* bits, uint64_t nbytes, uint64_t w) {
  uint64_t v = 0;
  const uint64_t off = w * 8;
  if (off + 8 <= nbytes) std::memcpy(&v, bits + off, 8);
  else if (off < nbytes) std::memcpy(&v, bits + off, size_t(nbytes - off));
  return v;
}
// First row ≥ i whose bit equals `set` (n when none).
inline uint64_t next_bit(const uint8_t* bits, uint64_t nbytes, uint64_t n, uint64_t i, bool set) {
  if (i >= n) return n;
  uint64_t w = i >> 6;
  uint64_t word = bitmap_word(bits, nbytes, w) ^ (set ? 0 : ~uint64_t(0));
  word &= ~uint64_t(0) << (i & 63);
  while (word == 0) {
    if (++w * 64 >= n) return n;
    word = bitmap_word(bits, nbytes, w) ^ (set ? 0 : ~uint64_t(0));
  }
  const uint64_t r = w * 64 + uint64_t(__builtin_ctzll(word));
  return r < n ? r : n;
}
}  // namespace detail

template <typename Fn>
void for_each_valid_range(const Column& c, Fn&& fn) {
  const uint64_t n = c.length;
  if (!c.dtype->is_nullable() || c.validity.empty()) {
    if (n) fn(uint64_t(0), n);
    return;
  }
  const uint8_t* bits = c.validity.data();
  const uint64_t nbytes = std::min<uint64_t>(c.validity.size(), (n + 7) / 8);
  for (uint64_t i = detail::next_bit(bits, nbytes, n, 0, true); i < n;) {
    const uint64_t j = detail::next_bit(bits, nbytes, n, i, false);
    fn(i, j);
    i = detail::next_bit(bits, nbytes, n, j, true);
  }
}
// Calls fn(begin, end) for each maximal run of null rows.
template <typename Fn>
void for_each_null_range(const Column& c, Fn&& fn) {
  const uint64_t n = c.length;
  if (!c.dtype->is_nullable() || c.validity.empty()) return;
  const uint8_t* bits = c.validity.data();
  const uint64_t nbytes = std::min<uint64_t>(c.validity.size(), (n + 7) / 8);
  for (uint64_t i = detail::next_bit(bits, nbytes, n, 0, false); i < n;) {
    const uint64_t j = detail::next_bit(bits, nbytes, n, i, true);
    fn(i, j);
    i = detail::next_bit(bits, nbytes, n, j, false);
  }
}

// A primitive column of n rows (uninitialised values, no validity).
Column new_primitive(PType p, bool nullable, uint64_t n);
// `vortex.primitive` node of a primitive column (validity child when it has nulls).
EncodedArray primitive_node(const Column& c);
// The validity child of a column with nulls: `vortex.bool` (or constant false when all invalid).
EncodedArray validity_node(const Column& c);
// Appends c's validity child to `node` when c has nulls.
void push_validity(EncodedArray& node, const Column& c);
// `vortex.constant` holding a ScalarValue.
EncodedArray constant_node(std::vector<uint8_t> scalar);
// The smallest unsigned ptype holding max.
PType smallest_unsigned(uint64_t max);
// Official PrimitiveArray::narrow: the smallest integer ptype holding [min, max] of the valid
// values (unsigned when min ≥ 0); null rows become 0. Same nullability and validity.
Column narrow_int(const Column& c);
// A u64 vector as a primitive column of the smallest unsigned type holding its maximum.
Column narrowed_indices(const std::vector<uint64_t>& v);

// Patches (§4.8) ready to attach: indices narrowed, values constant-folded, chunk offsets.
struct PatchSet {
  std::vector<uint64_t> indices;
  Column values;  // the owning dtype, all valid
  bool with_chunk_offsets = false;
  std::vector<uint64_t> chunk_offsets;
  bool empty() const { return indices.empty(); }
  // PatchesMetadata bytes.
  std::vector<uint8_t> metadata() const;
  // Appends [indices, values, (chunk offsets)] children.
  void push_children(EncodedArray& node) const;
};

// Bit-packs an integer column (its valid values must be non-negative) at width W (< type width);
// valid values wider than W become patches (with chunk offsets). `fastlanes.bitpacked` node.
// may_patch = false: the caller guarantees every value fits in W bits.
EncodedArray bitpack_node(const Column& c, unsigned W, bool may_patch = true);
// The width minimising packed bytes + exceptions·(type bytes + 4) from the bit-width histogram of
// the valid values (the official find_best_bit_width).
unsigned best_bit_width(const Column& c);

}  // namespace gyre::write
