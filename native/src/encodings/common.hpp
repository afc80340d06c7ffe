// Helpers shared by the encoding decoders: ptype dispatch, validity children, scalars, patches.
#pragma once
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>

#include "../file/protobuf.hpp"
#include "registry.hpp"

namespace gyre {

// Calls fn.template operator()<T>() with T the C++ type of an integer ptype; any other ptype
// throws VortexError(code, "expected an integer ptype, got …"). Also used by the writer
// (write/schemes/common.hpp), which reports kInvalidArgument where the reader reports kCorrupt.
template <typename Fn>
decltype(auto) dispatch_int_or_throw(PType p, const char* code, Fn&& fn) {
  switch (p) {
    case PType::U8: return fn.template operator()<uint8_t>();
    case PType::U16: return fn.template operator()<uint16_t>();
    case PType::U32: return fn.template operator()<uint32_t>();
    case PType::U64: return fn.template operator()<uint64_t>();
    case PType::I8: return fn.template operator()<int8_t>();
    case PType::I16: return fn.template operator()<int16_t>();
    case PType::I32: return fn.template operator()<int32_t>();
    case PType::I64: return fn.template operator()<int64_t>();
    default: break;
  }
  throw VortexError(code, std::string("expected an integer ptype, got ") + ptype_name(p));
}
// Calls fn.template operator()<T>() with T the C++ type of an integer or float ptype
// (F16 is dispatched as uint16_t bits).
template <typename Fn>
decltype(auto) dispatch_ptype(PType p, Fn&& fn) {
  switch (p) {
    case PType::F16: return fn.template operator()<uint16_t>();
    case PType::F32: return fn.template operator()<float>();
    case PType::F64: return fn.template operator()<double>();
    default: break;
  }
  if (!ptype_is_int(p)) corrupt("bad ptype");
  return dispatch_int_or_throw(p, kCorrupt, std::forward<Fn>(fn));
}
// Integer ptypes only.
template <typename Fn>
decltype(auto) dispatch_int(PType p, Fn&& fn) {
  return dispatch_int_or_throw(p, kCorrupt, std::forward<Fn>(fn));
}

// Calls fn.template operator()<U>() with U the unsigned integer type of byte width w (moves
// primitive values as bit patterns).
template <typename Fn>
decltype(auto) dispatch_width(unsigned w, Fn&& fn) {
  switch (w) {
    case 1: return fn.template operator()<uint8_t>();
    case 2: return fn.template operator()<uint16_t>();
    case 4: return fn.template operator()<uint32_t>();
    case 8: return fn.template operator()<uint64_t>();
  }
  corrupt("bad primitive width");
}

// Decodes a validity child (Bool, non-nullable, len rows) into a bitmap; empty = all valid.
Buffer decode_validity(DecodeCtx& ctx, const ArrayNode& child, uint64_t len);
// Decodes the optional validity child at index `slot` of `node` if present.
inline Buffer optional_validity(DecodeCtx& ctx, const ArrayNode& node, uint32_t slot, uint64_t len,
                                const DType& d) {
  if (node.nchildren() <= slot) return Buffer();
  if (!d.is_nullable()) corrupt("validity child on a non-nullable array");
  return decode_validity(ctx, node.child(slot), len);
}

// Decodes a child that must be a primitive of ptype p (nullability n) and returns the column.
Column decode_primitive(DecodeCtx& ctx, const ArrayNode& node, PType p, bool nullable, uint64_t len);
// Reads an integer column as u64 values (negative values are an error).
std::vector<uint64_t> int_column_u64(const Column& c);

// A decoded protobuf ScalarValue.
struct Scalar {
  enum class Kind { Null, Bool, Int, UInt, F32, F64, F16, String, Bytes, List } kind = Kind::Null;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  float f32 = 0;
  std::string bytes;  // String / Bytes
  std::vector<Scalar> list;
  bool is_null() const { return kind == Kind::Null; }
  // Integer value as 64-bit two's complement bits (accepts either signedness).
  uint64_t int_bits() const;
};
Scalar parse_scalar(Bytes proto, int depth = 0);
// A column of `len` copies of scalar s with dtype d (null scalar ⇒ all-null column).
Column constant_column(DecodeCtx& ctx, const Scalar& s, const DTypePtr& d, uint64_t len);
// Writes scalar s into element i of primitive buffer `values` of ptype p.
void write_scalar_primitive(const Scalar& s, PType p, uint8_t* values, uint64_t i);

// Protobuf PatchesMetadata.
struct PatchesMeta {
  uint64_t len = 0, offset = 0;
  PType indices_ptype = PType::U8;  // proto3 default (0), omitted on the wire
  std::optional<uint64_t> chunk_offsets_len;
  std::optional<PType> chunk_offsets_ptype;
};
PatchesMeta parse_patches(Bytes proto);
// Applies patches to `target` (already decoded, length len): the indices child at `slot` and the
// values child at `slot+1` (dtype values_dtype). Returns the number of children the patches use.
uint32_t apply_patches(DecodeCtx& ctx, const ArrayNode& node, uint32_t slot, const PatchesMeta& pm,
                       const DTypePtr& values_dtype, Column& target);

// Makes sure `c`'s buffer i is exclusively owned (copies if shared) so it can be modified in place.
void make_unique_buffer(DecodeCtx& ctx, Column& c, size_t i);

}  // namespace gyre
