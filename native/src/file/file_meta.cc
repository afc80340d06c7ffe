#include "file_meta.hpp"

#include <algorithm>
#include <cstring>

#include "../encodings/common.hpp"
#include "flatbuffers.hpp"
#include "protobuf.hpp"

namespace gyre {

static std::optional<BlobLoc> blob(const fb::Table& ps, unsigned id) {
  fb::Table t = ps.table(id);
  if (!t.valid()) return std::nullopt;
  BlobLoc b;
  b.offset = t.scalar<uint64_t>(0, 0);
  b.length = t.scalar<uint32_t>(1, 0);
  return b;
}

Postscript parse_postscript(Bytes tail, uint64_t file_size) {
  if (tail.size < kEofSize || file_size < kEofSize + 4) corrupt("file too short to be a Vortex file");
  const uint8_t* eof = tail.data + tail.size - kEofSize;
  if (std::memcmp(eof + 4, "VTXF", 4) != 0) corrupt("missing VTXF end-of-file magic");
  uint16_t version = load_le<uint16_t>(eof);
  uint16_t ps_len = load_le<uint16_t>(eof + 2);
  if (version != 1) unsupported("unsupported Vortex file version " + std::to_string(version));
  if (ps_len > kMaxPostscript || ps_len + kEofSize > tail.size) corrupt("postscript length out of bounds");
  Bytes psb = tail.slice(tail.size - kEofSize - ps_len, ps_len);
  // Copy so the flatbuffer is aligned.
  std::vector<uint8_t> copy(psb.data, psb.data + psb.size);
  fb::Table ps = fb::Table::root(Bytes(copy.data(), copy.size()));
  Postscript out;
  out.dtype = blob(ps, 0);
  out.layout = blob(ps, 1);
  out.statistics = blob(ps, 2);
  out.footer = blob(ps, 3);
  if (!out.layout || !out.footer) corrupt("postscript lacks layout or footer");
  uint64_t limit = file_size - kEofSize - ps_len;
  for (auto* b : {&out.dtype, &out.layout, &out.statistics, &out.footer}) {
    if (*b && ((*b)->offset > limit || (*b)->length > limit - (*b)->offset)) corrupt("postscript blob out of bounds");
  }
  return out;
}

namespace {

struct Parser;
struct Parser {
  FileMeta& m;
  Bytes layout_fb;
  size_t max_nodes = 1000000;

  static LayoutKind kind_of(const std::string& id) {
    if (id == "vortex.flat") return LayoutKind::Flat;
    if (id == "vortex.chunked") return LayoutKind::Chunked;
    if (id == "vortex.struct") return LayoutKind::Struct;
    if (id == "vortex.zoned") return LayoutKind::Zoned;
    if (id == "vortex.stats") return LayoutKind::Stats;
    if (id == "vortex.dict") return LayoutKind::Dict;
    unsupported("unsupported layout " + id);
  }

  uint32_t parse(const fb::Table& t, const DTypePtr& dtype, int depth) {
    if (depth > 64) corrupt("layout tree nested too deeply");
    if (m.layouts.size() >= max_nodes) corrupt("layout tree has too many nodes");
    uint32_t id = uint32_t(m.layouts.size());
    m.layouts.emplace_back();
    LayoutNode n;
    n.id = id;
    uint16_t enc = t.scalar<uint16_t>(0, 0);
    if (enc >= m.layout_ids.size()) corrupt("layout encoding code out of range");
    n.encoding = m.layout_ids[enc];
    n.kind = kind_of(n.encoding);
    n.row_count = t.scalar<uint64_t>(1, 0);
    n.dtype = dtype;
    fb::Vector meta = t.vector(2);
    Bytes mb = meta.empty() ? Bytes() : meta.bytes();
    fb::Vector segs = t.vector(4);
    for (uint32_t i = 0; i < segs.size(); i++) {
      uint32_t s = segs.scalar<uint32_t>(i);
      if (s >= m.segments.size()) corrupt("layout segment id out of range");
      n.segments.push_back(s);
    }
    fb::Vector kids = t.vector(3);
    std::vector<DTypePtr> child_types;
    switch (n.kind) {
      case LayoutKind::Flat:
        if (n.segments.size() != 1) corrupt("flat layout must have exactly one segment");
        break;
      case LayoutKind::Chunked:
        child_types.assign(kids.size(), dtype);
        break;
      case LayoutKind::Struct: {
        const DType& p = *dtype;
        if (p.kind != DTypeKind::Struct) corrupt("struct layout over a non-struct dtype");
        if (p.nullable) child_types.push_back(DType::boolean(false));
        for (auto& f : p.fields) child_types.push_back(f);
        if (kids.size() != child_types.size()) corrupt("struct layout child count mismatch");
        break;
      }
      case LayoutKind::Zoned:
      case LayoutKind::Stats: {
        if (kids.size() != 2) corrupt("zoned layout must have two children");
        DTypePtr zones = n.kind == LayoutKind::Zoned ? zoned_dtype(mb, *dtype, n) : stats_dtype(mb, *dtype, n);
        child_types = {dtype, zones ? zones : DType::null()};
        break;
      }
      case LayoutKind::Dict: {
        if (kids.size() != 2) corrupt("dict layout must have two children");
        std::optional<bool> nullable_codes;
        pb::Reader r(mb);
        pb::Field f;
        while (r.next(f)) {
          if (f.number == 1) n.codes_ptype = ptype_from_code(f.varint);
          else if (f.number == 2) nullable_codes = f.varint != 0;
        }
        if (!ptype_is_int(n.codes_ptype)) corrupt("dict codes must be integers");
        n.codes_nullable = nullable_codes.value_or(dtype->is_nullable());
        child_types = {dtype, DType::primitive(n.codes_ptype, n.codes_nullable)};
        break;
      }
    }
    if (n.kind == LayoutKind::Flat && kids.size()) corrupt("flat layout with children");
    for (uint32_t i = 0; i < kids.size(); i++) n.children.push_back(parse(kids.table(i), child_types[i], depth + 1));
    // Row-count consistency.
    if (n.kind == LayoutKind::Chunked) {
      uint64_t sum = 0;
      for (uint32_t c : n.children) sum += m.layouts[c].row_count;
      if (sum != n.row_count) corrupt("chunked layout row counts do not add up");
    } else if (n.kind == LayoutKind::Struct || n.kind == LayoutKind::Zoned || n.kind == LayoutKind::Stats) {
      for (size_t i = 0; i < n.children.size(); i++) {
        bool zones = (n.kind != LayoutKind::Struct) && i == 1;
        if (!zones && m.layouts[n.children[i]].row_count != n.row_count) corrupt("child layout row count mismatch");
      }
      if (n.kind != LayoutKind::Struct && n.zone_len) {
        uint64_t expect = (n.row_count + n.zone_len - 1) / n.zone_len;
        if (m.layouts[n.children[1]].row_count != expect) n.zones_usable = false;
      }
    } else if (n.kind == LayoutKind::Dict) {
      if (m.layouts[n.children[1]].row_count != n.row_count) corrupt("dict codes row count mismatch");
    }
    m.layouts[id] = std::move(n);
    return id;
  }

  static DTypePtr sum_dtype(const DType& d) {
    const DType& p = d.kind == DTypeKind::Extension ? *d.storage : d;
    if (d.kind == DTypeKind::Extension) return nullptr;
    switch (p.kind) {
      case DTypeKind::Bool: return DType::primitive(PType::U64, true);
      case DTypeKind::Primitive:
        if (ptype_is_unsigned(p.ptype)) return DType::primitive(PType::U64, true);
        if (ptype_is_signed(p.ptype)) return DType::primitive(PType::I64, true);
        return DType::primitive(PType::F64, true);
      case DTypeKind::Decimal: {
        auto s = std::make_shared<DType>(p);
        s->precision = uint8_t(std::min(76, p.precision + 10));
        s->nullable = true;
        return s;
      }
      default: return nullptr;
    }
  }

  static DTypePtr make_struct(std::vector<std::pair<std::string, DTypePtr>> fields) {
    auto s = std::make_shared<DType>();
    s->kind = DTypeKind::Struct;
    s->nullable = false;
    for (auto& [name, t] : fields) {
      s->names.push_back(name);
      s->fields.push_back(t);
    }
    return s;
  }

  // vortex.zoned: 0x01 version byte + ZonedMetadataProto.
  DTypePtr zoned_dtype(Bytes mb, const DType& col, LayoutNode& n) {
    if (mb.size < 1 || mb.data[0] != 1) corrupt("zoned layout metadata version unsupported");
    pb::Reader r(mb.slice(1, mb.size - 1));
    pb::Field f;
    std::vector<std::pair<std::string, DTypePtr>> fields;
    bool usable = true;
    while (r.next(f)) {
      if (f.number == 1) {
        n.zone_len = uint32_t(f.varint);
      } else if (f.number == 2) {
        std::string id;
        Bytes opts;
        pb::Reader sr(f.bytes);
        pb::Field sf;
        while (sr.next(sf)) {
          if (sf.number == 1) id.assign(reinterpret_cast<const char*>(sf.bytes.data), sf.bytes.size);
          else if (sf.number == 2) opts = sf.bytes;
        }
        auto colz = col.with_nullable(true);
        ZoneField zf;
        if (id == "vortex.max" || id == "vortex.min") {
          zf = {id + "()", id == "vortex.max" ? "max" : "min", false};
          fields.emplace_back(zf.name, colz);
        } else if (id == "vortex.bounded_max" || id == "vortex.bounded_min") {
          uint64_t limit = opts.size >= 8 ? load_le<uint64_t>(opts.data) : 0;
          zf = {id + "(" + std::to_string(limit) + ")", id == "vortex.bounded_max" ? "max" : "min", true};
          if (id == "vortex.bounded_max") {
            auto s = make_struct({{"bound", colz}, {"unknown", DType::boolean(false)}});
            auto sn = std::make_shared<DType>(*s);
            sn->nullable = true;
            fields.emplace_back(zf.name, sn);
          } else {
            fields.emplace_back(zf.name, colz);
          }
        } else if (id == "vortex.sum") {
          DTypePtr s = sum_dtype(col);
          if (!s) { usable = false; continue; }
          zf = {id + "()", "sum", false};
          fields.emplace_back(zf.name, s);
        } else if (id == "vortex.null_count" || id == "vortex.nan_count") {
          zf = {id + "()", id == "vortex.null_count" ? "null_count" : "nan_count", false};
          fields.emplace_back(zf.name, DType::primitive(PType::U64, true));
        } else {
          usable = false;  // an aggregate we cannot type: the zones cannot be decoded
          continue;
        }
        n.zone_fields.push_back(zf);
      }
    }
    n.zones_usable = usable && n.zone_len > 0;
    if (!usable) return nullptr;
    return make_struct(fields);
  }

  // vortex.stats (legacy): u32 zone_len + stat bitset.
  DTypePtr stats_dtype(Bytes mb, const DType& col, LayoutNode& n) {
    if (mb.size < 4) corrupt("stats layout metadata too short");
    n.zone_len = load_le<uint32_t>(mb.data);
    auto has = [&](unsigned bit) { return 4 + bit / 8 < mb.size && ((mb.data[4 + bit / 8] >> (bit % 8)) & 1); };
    std::vector<std::pair<std::string, DTypePtr>> fields;
    auto colz = col.with_nullable(true);
    bool strings = col.kind == DTypeKind::Utf8 || col.kind == DTypeKind::Binary;
    const DType& phys = col.physical();
    bool is_float = phys.is_primitive() && ptype_is_float(phys.ptype);
    static const char* bool_stats[] = {"is_constant", "is_sorted", "is_strict_sorted"};
    for (unsigned b = 0; b < 3; b++)
      if (has(b)) {
        fields.emplace_back(bool_stats[b], DType::boolean(true));
        n.zone_fields.push_back({bool_stats[b], bool_stats[b], false});
      }
    if (has(3)) {
      fields.emplace_back("max", colz);
      fields.emplace_back("max_is_truncated", DType::boolean(false));
      n.zone_fields.push_back({"max", "max", strings});
      n.zone_fields.push_back({"max_is_truncated", "max_is_truncated", false});
    }
    if (has(4)) {
      fields.emplace_back("min", colz);
      fields.emplace_back("min_is_truncated", DType::boolean(false));
      n.zone_fields.push_back({"min", "min", strings});
      n.zone_fields.push_back({"min_is_truncated", "min_is_truncated", false});
    }
    if (has(5)) {
      DTypePtr s = sum_dtype(col);
      if (s) {
        fields.emplace_back("sum", s);
        n.zone_fields.push_back({"sum", "sum", false});
      }
    }
    if (has(6)) {
      fields.emplace_back("null_count", DType::primitive(PType::U64, true));
      n.zone_fields.push_back({"null_count", "null_count", false});
    }
    if (has(7)) {
      fields.emplace_back("uncompressed_size_in_bytes", DType::primitive(PType::U64, true));
      n.zone_fields.push_back({"uncompressed_size_in_bytes", "uncompressed_size_in_bytes", false});
    }
    if (has(8) && is_float) {
      fields.emplace_back("nan_count", DType::primitive(PType::U64, true));
      n.zone_fields.push_back({"nan_count", "nan_count", false});
    }
    n.zones_usable = n.zone_len > 0;
    return make_struct(fields);
  }
};

}  // namespace

FileMeta FileMeta::parse(Bytes region, uint64_t region_offset, const Postscript& ps, DTypePtr external_dtype) {
  auto blob_bytes = [&](const BlobLoc& b, std::vector<uint8_t>& copy) {
    if (b.offset < region_offset) corrupt("footer blob outside the bytes read");
    Bytes s = region.slice(b.offset - region_offset, b.length, "footer blob outside the bytes read");
    copy.assign(s.data, s.data + s.size);  // aligned copy
    return Bytes(copy.data(), copy.size());
  };
  FileMeta m;
  std::vector<uint8_t> footer_copy, dtype_copy, layout_copy;
  fb::Table footer = fb::Table::root(blob_bytes(*ps.footer, footer_copy));
  fb::Vector aspecs = footer.vector(0), lspecs = footer.vector(1), sspecs = footer.vector(2);
  for (uint32_t i = 0; i < aspecs.size(); i++) m.array_ids.emplace_back(aspecs.table(i).string(0));
  for (uint32_t i = 0; i < lspecs.size(); i++) m.layout_ids.emplace_back(lspecs.table(i).string(0));
  if (uint64_t(sspecs.size()) * 16 > ps.footer->length) corrupt("segment map larger than the footer");
  m.segments.reserve(sspecs.size());
  for (uint32_t i = 0; i < sspecs.size(); i++) {
    Bytes s = sspecs.strukt(i, 16);
    SegmentSpec spec{s.read<uint64_t>(0), s.read<uint32_t>(8), s.data[12]};
    if (spec.align_exp > 16) corrupt("segment alignment out of range");
    if (!m.segments.empty() && spec.offset < m.segments.back().offset) corrupt("segment map not sorted by offset");
    m.segments.push_back(spec);
  }
  if (ps.dtype) {
    m.dtype = parse_dtype_root(blob_bytes(*ps.dtype, dtype_copy));
  } else if (external_dtype) {
    m.dtype = external_dtype;
  } else {
    throw VortexError(kUnsupported, "file stores no dtype and none was given");
  }
  if (ps.statistics) {
    std::vector<uint8_t> c;
    blob_bytes(*ps.statistics, c);
    m.statistics = std::move(c);
  }
  Parser p{m, blob_bytes(*ps.layout, layout_copy)};
  m.layouts.reserve(64);
  p.parse(fb::Table::root(p.layout_fb), m.dtype, 0);
  return m;
}

std::vector<FieldStats> FileMeta::file_statistics() const {
  std::vector<FieldStats> out;
  if (statistics.empty()) return out;
  fb::Table root = fb::Table::root(Bytes(statistics.data(), statistics.size()));
  fb::Vector fields = root.vector(0);
  std::vector<DTypePtr> types;
  if (dtype->kind == DTypeKind::Struct) types = dtype->fields;
  else types = {dtype};
  if (fields.size() != types.size()) corrupt("file statistics do not match the dtype");
  Allocator a(64ull << 20);
  DecodeCtx ctx{array_ids, a};
  for (uint32_t i = 0; i < fields.size(); i++) {
    fb::Table st = fields.table(i);
    FieldStats fs;
    const DTypePtr& t = types[i];
    auto scalar_col = [&](unsigned id, const DTypePtr& d) -> std::shared_ptr<Column> {
      fb::Vector v = st.vector(id);
      if (v.empty() || !d) return nullptr;
      try {
        Scalar s = parse_scalar(v.bytes());
        return std::make_shared<Column>(constant_column(ctx, s, d->with_nullable(true), 1));
      } catch (const VortexError&) {
        return nullptr;  // a statistic we cannot interpret is treated as absent
      }
    };
    fs.min = scalar_col(0, t);
    fs.min_exact = st.scalar<uint8_t>(1, 0) == 1;
    fs.max = scalar_col(2, t);
    fs.max_exact = st.scalar<uint8_t>(3, 0) == 1;
    fs.sum = scalar_col(4, Parser::sum_dtype(*t));
    if (st.has(5)) fs.is_sorted = st.scalar<uint8_t>(5, 0) != 0;
    if (st.has(6)) fs.is_strict_sorted = st.scalar<uint8_t>(6, 0) != 0;
    if (st.has(7)) fs.is_constant = st.scalar<uint8_t>(7, 0) != 0;
    if (st.has(8)) fs.null_count = st.scalar<uint64_t>(8, 0);
    if (st.has(9)) fs.uncompressed_size = st.scalar<uint64_t>(9, 0);
    if (st.has(10)) fs.nan_count = st.scalar<uint64_t>(10, 0);
    out.push_back(std::move(fs));
  }
  return out;
}

static void json_str(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += char(c);
    else if (c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); out += b; }
    else out += char(c);
  }
  out += '"';
}

std::string FileMeta::layout_json() const {
  std::vector<bool> in_chunked(layouts.size(), false);
  for (auto& n : layouts)
    if (n.kind == LayoutKind::Chunked)
      for (uint32_t c : n.children) in_chunked[c] = true;
  std::string o = "[";
  for (size_t i = 0; i < layouts.size(); i++) {
    const LayoutNode& n = layouts[i];
    if (i) o += ',';
    o += "{\"id\":" + std::to_string(n.id) + ",\"encoding\":";
    json_str(o, n.encoding);
    o += ",\"rows\":" + std::to_string(n.row_count) + ",\"children\":[";
    for (size_t k = 0; k < n.children.size(); k++) o += (k ? "," : "") + std::to_string(n.children[k]);
    o += "],\"segments\":[";
    for (size_t k = 0; k < n.segments.size(); k++) o += (k ? "," : "") + std::to_string(n.segments[k]);
    o += "]";
    if (!in_chunked[i]) {
      o += ",\"dtype\":" + n.dtype->to_json();
    }
    if (n.kind == LayoutKind::Zoned || n.kind == LayoutKind::Stats) {
      o += ",\"zoneLen\":" + std::to_string(n.zone_len) + ",\"zonesUsable\":" + (n.zones_usable ? "true" : "false");
      o += ",\"zoneFields\":[";
      for (size_t k = 0; k < n.zone_fields.size(); k++) {
        if (k) o += ',';
        o += "{\"name\":";
        json_str(o, n.zone_fields[k].name);
        o += ",\"stat\":";
        json_str(o, n.zone_fields[k].stat);
        o += std::string(",\"bound\":") + (n.zone_fields[k].bound ? "true" : "false") + "}";
      }
      o += "]";
    }
    if (n.kind == LayoutKind::Dict) {
      o += std::string(",\"codes\":\"") + ptype_name(n.codes_ptype) + "\"";
    }
    o += "}";
  }
  return o + "]";
}

}  // namespace gyre
