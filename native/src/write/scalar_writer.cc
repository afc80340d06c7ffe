#include "scalar_writer.hpp"

#include <cstring>

#include "protobuf_writer.hpp"

namespace gyre::write {

std::vector<uint8_t> scalar_value_proto(const DType& dt, const std::string& v) {
  const DType& d = dt.physical();
  pb::Writer w;
  auto raw = [&]<typename T>() {
    T x{};
    std::memcpy(&x, v.data(), sizeof(T));
    return x;
  };
  switch (d.kind) {
    case DTypeKind::Bool: w.varint_always(2, v[0] ? 1 : 0); break;
    case DTypeKind::Primitive:
      switch (d.ptype) {
        case PType::I8: w.sint_always(3, raw.operator()<int8_t>()); break;
        case PType::I16: w.sint_always(3, raw.operator()<int16_t>()); break;
        case PType::I32: w.sint_always(3, raw.operator()<int32_t>()); break;
        case PType::I64: w.sint_always(3, raw.operator()<int64_t>()); break;
        case PType::U8: w.varint_always(4, raw.operator()<uint8_t>()); break;
        case PType::U16: w.varint_always(4, raw.operator()<uint16_t>()); break;
        case PType::U32: w.varint_always(4, raw.operator()<uint32_t>()); break;
        case PType::U64: w.varint_always(4, raw.operator()<uint64_t>()); break;
        case PType::F16: w.varint_always(10, raw.operator()<uint16_t>()); break;
        case PType::F32: w.fixed32_always(5, raw.operator()<uint32_t>()); break;
        case PType::F64: w.fixed64_always(6, raw.operator()<uint64_t>()); break;
      }
      break;
    case DTypeKind::Utf8: w.bytes_always(7, v.data(), v.size()); break;
    case DTypeKind::Binary:
    case DTypeKind::Decimal: w.bytes_always(8, v.data(), v.size()); break;
    default: w.varint_always(1, 0); break;  // null
  }
  return std::move(w.out);
}

}  // namespace gyre::write
