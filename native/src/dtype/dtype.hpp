// Vortex logical types (DType) and physical element types (PType).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../core/bytes.hpp"

namespace gyre {

enum class PType : uint8_t { U8 = 0, U16, U32, U64, I8, I16, I32, I64, F16, F32, F64 };

inline unsigned ptype_width(PType p) {
  static const unsigned w[] = {1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8};
  return w[unsigned(p)];
}
inline bool ptype_is_int(PType p) { return p <= PType::I64; }
inline bool ptype_is_signed(PType p) { return p >= PType::I8 && p <= PType::I64; }
inline bool ptype_is_unsigned(PType p) { return p <= PType::U64; }
inline bool ptype_is_float(PType p) { return p >= PType::F16; }
const char* ptype_name(PType p);
PType ptype_from_code(uint64_t code);  // checked
// The unsigned type of the same width (for signed or unsigned ints).
PType ptype_unsigned(PType p);

enum class DTypeKind : uint8_t {
  Null = 1, Bool, Primitive, Decimal, Utf8, Binary, Struct, List, Extension, FixedSizeList, Variant, Union,
  Map  // flatbuffer union tag 13 (new after 0.76; written by 0.90 for Arrow map columns)
};

struct DType;
using DTypePtr = std::shared_ptr<const DType>;

struct DType {
  DTypeKind kind = DTypeKind::Null;
  bool nullable = true;
  PType ptype = PType::U8;             // Primitive
  uint8_t precision = 0;               // Decimal
  int8_t scale = 0;                    // Decimal
  std::vector<std::string> names;      // Struct; Map: {"key", "value"}
  std::vector<DTypePtr> fields;        // Struct; Map: {key, value}
  DTypePtr element;                    // List, FixedSizeList; Map: the entries Struct{key, value} (non-nullable)
  bool keys_sorted = false;            // Map
  uint32_t list_size = 0;              // FixedSizeList
  std::string ext_id;                  // Extension
  DTypePtr storage;                    // Extension
  std::vector<uint8_t> ext_metadata;   // Extension

  static DTypePtr primitive(PType p, bool nullable);
  static DTypePtr boolean(bool nullable);
  static DTypePtr binary(bool nullable);
  static DTypePtr null();
  static DTypePtr map(DTypePtr key, DTypePtr value, bool keys_sorted, bool nullable);

  bool is_primitive() const { return kind == DTypeKind::Primitive; }
  // List-shaped canonical layout: offsets buffer + one child (List elements, Map entries).
  bool is_list_like() const { return kind == DTypeKind::List || kind == DTypeKind::Map; }
  bool is_int() const { return is_primitive() && ptype_is_int(ptype); }
  // The dtype that carries the values physically (extension → storage, recursively).
  const DType& physical() const { return kind == DTypeKind::Extension ? storage->physical() : *this; }
  bool is_nullable() const { return kind == DTypeKind::Extension ? storage->is_nullable() : nullable; }
  DTypePtr with_nullable(bool n) const;
  bool equals(const DType& o) const;
  std::string to_string() const;
  // JSON description consumed by the TypeScript layer (storage/vortex/dtype.ts).
  std::string to_json() const;
};

// Parses the DType flatbuffer root (or a nested DType table).
DTypePtr parse_dtype_root(Bytes fb);

// Decimal storage width in bytes chosen for decoded output (16 for precision ≤ 38, else 32).
inline unsigned decimal_out_width(const DType& d) { return d.precision <= 38 ? 16 : 32; }

}  // namespace gyre
