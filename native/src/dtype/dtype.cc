#include "dtype.hpp"

#include "../file/flatbuffers.hpp"

namespace gyre {

const char* ptype_name(PType p) {
  static const char* n[] = {"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "f32", "f64"};
  return n[unsigned(p)];
}

PType ptype_from_code(uint64_t code) {
  if (code > 10) corrupt("unknown ptype code " + std::to_string(code));
  return PType(code);
}

PType ptype_unsigned(PType p) {
  switch (p) {
    case PType::I8: return PType::U8;
    case PType::I16: return PType::U16;
    case PType::I32: return PType::U32;
    case PType::I64: return PType::U64;
    default: return p;
  }
}

DTypePtr DType::primitive(PType p, bool nullable) {
  auto d = std::make_shared<DType>();
  d->kind = DTypeKind::Primitive;
  d->ptype = p;
  d->nullable = nullable;
  return d;
}
DTypePtr DType::boolean(bool nullable) {
  auto d = std::make_shared<DType>();
  d->kind = DTypeKind::Bool;
  d->nullable = nullable;
  return d;
}
DTypePtr DType::binary(bool nullable) {
  auto d = std::make_shared<DType>();
  d->kind = DTypeKind::Binary;
  d->nullable = nullable;
  return d;
}
DTypePtr DType::null() {
  auto d = std::make_shared<DType>();
  d->kind = DTypeKind::Null;
  d->nullable = true;
  return d;
}

DTypePtr DType::map(DTypePtr key, DTypePtr value, bool keys_sorted, bool nullable) {
  auto entries = std::make_shared<DType>();
  entries->kind = DTypeKind::Struct;
  entries->nullable = false;
  entries->names = {"key", "value"};
  entries->fields = {key, value};
  auto d = std::make_shared<DType>();
  d->kind = DTypeKind::Map;
  d->nullable = nullable;
  d->names = entries->names;
  d->fields = entries->fields;
  d->element = entries;
  d->keys_sorted = keys_sorted;
  return d;
}

DTypePtr DType::with_nullable(bool n) const {
  if (kind == DTypeKind::Null) return DType::null();
  auto d = std::make_shared<DType>(*this);
  if (kind == DTypeKind::Extension)
    d->storage = storage->with_nullable(n);
  else
    d->nullable = n;
  return d;
}

bool DType::equals(const DType& o) const {
  if (kind != o.kind || is_nullable() != o.is_nullable()) return false;
  switch (kind) {
    case DTypeKind::Primitive: return ptype == o.ptype;
    case DTypeKind::Decimal: return precision == o.precision && scale == o.scale;
    case DTypeKind::Struct:
      if (names != o.names || fields.size() != o.fields.size()) return false;
      for (size_t i = 0; i < fields.size(); i++)
        if (!fields[i]->equals(*o.fields[i])) return false;
      return true;
    case DTypeKind::List: return element->equals(*o.element);
    case DTypeKind::Map:
      return keys_sorted == o.keys_sorted && fields[0]->equals(*o.fields[0]) && fields[1]->equals(*o.fields[1]);
    case DTypeKind::FixedSizeList: return list_size == o.list_size && element->equals(*o.element);
    case DTypeKind::Extension:
      return ext_id == o.ext_id && ext_metadata == o.ext_metadata && storage->equals(*o.storage);
    default: return true;
  }
}

std::string DType::to_string() const {
  std::string q = is_nullable() && kind != DTypeKind::Null ? "?" : "";
  switch (kind) {
    case DTypeKind::Null: return "null";
    case DTypeKind::Bool: return "bool" + q;
    case DTypeKind::Primitive: return std::string(ptype_name(ptype)) + q;
    case DTypeKind::Decimal:
      return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")" + q;
    case DTypeKind::Utf8: return "utf8" + q;
    case DTypeKind::Binary: return "binary" + q;
    case DTypeKind::Struct: {
      std::string s = "{";
      for (size_t i = 0; i < fields.size(); i++) s += (i ? ", " : "") + names[i] + ": " + fields[i]->to_string();
      return s + "}" + q;
    }
    case DTypeKind::List: return "list<" + element->to_string() + ">" + q;
    case DTypeKind::FixedSizeList: return "fixed_size_list<" + element->to_string() + ", " + std::to_string(list_size) + ">" + q;
    case DTypeKind::Extension: return ext_id + "<" + storage->to_string() + ">";
    case DTypeKind::Map:
      return "map<" + fields[0]->to_string() + ", " + fields[1]->to_string() + (keys_sorted ? ", sorted" : "") + ">" + q;
    case DTypeKind::Variant: return "variant" + q;
    case DTypeKind::Union: return "union" + q;
  }
  return "?";
}

static void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  out += '"';
}

static void json(std::string& out, const DType& d) {
  static const char* kinds[] = {"",       "null",      "bool",    "primitive",       "decimal", "utf8", "binary",
                                "struct", "list",      "extension", "fixed_size_list", "variant", "union",
                                "map"};
  out += "{\"kind\":\"";
  out += kinds[unsigned(d.kind)];
  out += "\",\"nullable\":";
  out += d.is_nullable() ? "true" : "false";
  switch (d.kind) {
    case DTypeKind::Primitive:
      out += ",\"ptype\":\"";
      out += ptype_name(d.ptype);
      out += "\"";
      break;
    case DTypeKind::Decimal:
      out += ",\"precision\":" + std::to_string(d.precision) + ",\"scale\":" + std::to_string(d.scale);
      break;
    case DTypeKind::Struct:
      out += ",\"fields\":[";
      for (size_t i = 0; i < d.fields.size(); i++) {
        if (i) out += ',';
        out += "{\"name\":";
        json_string(out, d.names[i]);
        out += ",\"type\":";
        json(out, *d.fields[i]);
        out += '}';
      }
      out += ']';
      break;
    case DTypeKind::List:
    case DTypeKind::FixedSizeList:
      out += ",\"element\":";
      json(out, *d.element);
      if (d.kind == DTypeKind::FixedSizeList) out += ",\"size\":" + std::to_string(d.list_size);
      break;
    case DTypeKind::Map:
      out += ",\"key\":";
      json(out, *d.fields[0]);
      out += ",\"value\":";
      json(out, *d.fields[1]);
      out += ",\"keysSorted\":";
      out += d.keys_sorted ? "true" : "false";
      break;
    case DTypeKind::Extension: {
      out += ",\"id\":";
      json_string(out, d.ext_id);
      out += ",\"storage\":";
      json(out, *d.storage);
      out += ",\"metadata\":[";
      for (size_t i = 0; i < d.ext_metadata.size(); i++) out += (i ? "," : "") + std::to_string(d.ext_metadata[i]);
      out += ']';
      break;
    }
    default:
      break;
  }
  out += '}';
}

std::string DType::to_json() const {
  std::string out;
  json(out, *this);
  return out;
}

static DTypePtr parse_dtype(const fb::Table& t, int depth) {
  if (depth > 64) corrupt("dtype nested too deeply");
  if (!t.valid()) corrupt("dtype missing");
  auto d = std::make_shared<DType>();
  uint8_t tag = t.scalar<uint8_t>(0, 0);
  fb::Table v = t.table(1);
  if (tag != 0 && !v.valid()) corrupt("dtype union value missing");
  switch (tag) {
    case 1:
      d->kind = DTypeKind::Null;
      d->nullable = true;
      break;
    case 2:
      d->kind = DTypeKind::Bool;
      d->nullable = v.scalar<uint8_t>(0, 0);
      break;
    case 3:
      d->kind = DTypeKind::Primitive;
      d->ptype = ptype_from_code(v.scalar<uint8_t>(0, 0));
      d->nullable = v.scalar<uint8_t>(1, 0);
      break;
    case 4:
      d->kind = DTypeKind::Decimal;
      d->precision = v.scalar<uint8_t>(0, 0);
      d->scale = v.scalar<int8_t>(1, 0);
      d->nullable = v.scalar<uint8_t>(2, 0);
      if (d->precision < 1 || d->precision > 76) corrupt("decimal precision out of range");
      break;
    case 5:
      d->kind = DTypeKind::Utf8;
      d->nullable = v.scalar<uint8_t>(0, 0);
      break;
    case 6:
      d->kind = DTypeKind::Binary;
      d->nullable = v.scalar<uint8_t>(0, 0);
      break;
    case 7: {
      d->kind = DTypeKind::Struct;
      fb::Vector names = v.vector(0), types = v.vector(1);
      if (names.size() != types.size()) corrupt("struct dtype names/dtypes length mismatch");
      for (uint32_t i = 0; i < names.size(); i++) {
        d->names.emplace_back(names.string(i));
        d->fields.push_back(parse_dtype(types.table(i), depth + 1));
      }
      d->nullable = v.scalar<uint8_t>(2, 0);
      break;
    }
    case 8:
      d->kind = DTypeKind::List;
      d->element = parse_dtype(v.table(0), depth + 1);
      d->nullable = v.scalar<uint8_t>(1, 0);
      break;
    case 9: {
      d->kind = DTypeKind::Extension;
      d->ext_id = std::string(v.string(0));
      d->storage = parse_dtype(v.table(1), depth + 1);
      fb::Vector m = v.vector(2);
      Bytes mb = m.bytes();
      d->ext_metadata.assign(mb.data, mb.data + mb.size);
      d->nullable = d->storage->is_nullable();
      break;
    }
    case 10:
      d->kind = DTypeKind::FixedSizeList;
      d->element = parse_dtype(v.table(0), depth + 1);
      d->list_size = v.scalar<uint32_t>(1, 0);
      d->nullable = v.scalar<uint8_t>(2, 0);
      break;
    case 11:
      d->kind = DTypeKind::Variant;
      d->nullable = v.scalar<uint8_t>(0, 0);
      break;
    case 12:
      d->kind = DTypeKind::Union;
      d->nullable = v.scalar<uint8_t>(0, 0);
      break;
    case 13:
      // Map (not in the 0.76 schema; reverse-engineered from 0.90 files):
      // 0: key DType (required), 1: value DType (required), 2: keys_sorted bool, 3: nullable bool.
      return DType::map(parse_dtype(v.table(0), depth + 1), parse_dtype(v.table(1), depth + 1),
                        v.scalar<uint8_t>(2, 0) != 0, v.scalar<uint8_t>(3, 0) != 0);
    default:
      corrupt("unknown dtype tag " + std::to_string(tag));
  }
  return d;
}

DTypePtr parse_dtype_root(Bytes fbuf) { return parse_dtype(fb::Table::root(fbuf), 0); }

}  // namespace gyre
