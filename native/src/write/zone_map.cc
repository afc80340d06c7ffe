#include "zone_map.hpp"

#include <cstring>

#include "protobuf_writer.hpp"

namespace gyre::write {

void ZoneAccumulator::add(const Column& rows) {
  uint64_t i = 0;
  while (i < rows.length) {
    uint64_t take = std::min<uint64_t>(zone_len_ - open_.rows, rows.length - i);
    accumulate(rows, i, take, open_);
    i += take;
    if (open_.rows == zone_len_) {
      zones_.push_back(std::move(open_));
      open_ = RangeStats();
    }
  }
}

RangeStats ZoneAccumulator::total() const {
  RangeStats t;
  for (auto& z : zones_) merge_stats(*dtype_, t, z);
  merge_stats(*dtype_, t, open_);
  return t;
}

Column stat_values_column(const DTypePtr& d, const std::vector<std::optional<std::string>>& values) {
  const DType& p = d->physical();
  uint64_t n = values.size();
  Column c;
  c.dtype = d;
  c.length = n;
  if (d->is_nullable()) {
    c.validity = Buffer::zeros(bitmap_bytes(n));
    for (uint64_t i = 0; i < n; i++)
      if (values[i]) set_bit(c.validity.data(), i);
  }
  switch (p.kind) {
    case DTypeKind::Bool: {
      Buffer bits = Buffer::zeros(bitmap_bytes(n));
      for (uint64_t i = 0; i < n; i++)
        if (values[i] && (*values[i])[0]) set_bit(bits.data(), i);
      c.buffers.push_back(bits);
      break;
    }
    case DTypeKind::Primitive:
    case DTypeKind::Decimal: {
      unsigned w = p.kind == DTypeKind::Primitive ? ptype_width(p.ptype) : decimal_out_width(p);
      Buffer v = Buffer::zeros(n * w);
      for (uint64_t i = 0; i < n; i++)
        if (values[i]) std::memcpy(v.data() + i * w, values[i]->data(), std::min<size_t>(w, values[i]->size()));
      c.buffers.push_back(v);
      break;
    }
    case DTypeKind::Utf8:
    case DTypeKind::Binary: {
      uint64_t total = 0;
      for (auto& v : values) total += v ? v->size() : 0;
      Buffer offs = Buffer::alloc((n + 1) * 4), data = Buffer::alloc(total);
      uint32_t pos = 0;
      for (uint64_t i = 0; i < n; i++) {
        offs.as<uint32_t>()[i] = pos;
        if (values[i] && !values[i]->empty()) std::memcpy(data.data() + pos, values[i]->data(), values[i]->size());
        pos += values[i] ? uint32_t(values[i]->size()) : 0;
      }
      offs.as<uint32_t>()[n] = pos;
      c.buffers = {offs, data};
      break;
    }
    default: throw VortexError(kInvalidArgument, "no statistic column for dtype " + d->to_string());
  }
  return c;
}

std::optional<std::string> upper_bound(const std::string& s, size_t n, bool utf8) {
  if (s.size() <= n) return s;
  if (!utf8) {
    std::string b = s.substr(0, n);
    for (size_t i = b.size(); i-- > 0;) {
      if (uint8_t(b[i]) != 0xff) {
        b[i] = char(uint8_t(b[i]) + 1);
        b.resize(i + 1);
        return b;
      }
    }
    return std::nullopt;
  }
  // Decode the truncated prefix into code points, then bump the last one that can be bumped.
  std::string b = truncate_bound(s, n, true);
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < b.size();) {
    uint8_t c = uint8_t(b[i]);
    int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    uint32_t cp = len == 1 ? c : c & (0xff >> (len + 1));
    for (int k = 1; k < len; k++) cp = (cp << 6) | (uint8_t(b[i + k]) & 0x3f);
    cps.push_back(cp);
    i += len;
  }
  while (!cps.empty()) {
    uint32_t cp = cps.back() + 1;
    if (cp == 0xd800) cp = 0xe000;
    cps.pop_back();
    if (cp > 0x10ffff) continue;
    cps.push_back(cp);
    std::string out;
    for (uint32_t x : cps) {
      if (x < 0x80) {
        out += char(x);
      } else if (x < 0x800) {
        out += char(0xc0 | (x >> 6)), out += char(0x80 | (x & 0x3f));
      } else if (x < 0x10000) {
        out += char(0xe0 | (x >> 12)), out += char(0x80 | ((x >> 6) & 0x3f)), out += char(0x80 | (x & 0x3f));
      } else {
        out += char(0xf0 | (x >> 18)), out += char(0x80 | ((x >> 12) & 0x3f));
        out += char(0x80 | ((x >> 6) & 0x3f)), out += char(0x80 | (x & 0x3f));
      }
    }
    if (out.size() <= n) return out;
    return std::nullopt;  // the bumped character needs more bytes than the bound allows
  }
  return std::nullopt;
}

namespace {

DTypePtr u64_nullable() { return DType::primitive(PType::U64, true); }

std::string u64_bytes(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

Column struct_column(std::vector<std::string> names, std::vector<Column> fields, uint64_t rows, bool nullable,
                     Buffer validity) {
  auto d = std::make_shared<DType>();
  d->kind = DTypeKind::Struct;
  d->nullable = nullable;
  d->names = std::move(names);
  for (auto& f : fields) d->fields.push_back(f.dtype);
  Column c;
  c.dtype = d;
  c.length = rows;
  c.children = std::move(fields);
  c.validity = std::move(validity);
  return c;
}

// One zones-table field: its name, values and (zoned form) aggregate spec.
struct Field {
  std::string name;
  Column values;
  std::string agg_id;
  std::vector<uint8_t> agg_options;
};

bool all_null(const std::vector<RangeStats>& zones) {
  for (auto& z : zones)
    if (z.has_minmax) return false;
  return true;
}

std::vector<Field> zoned_fields(const DTypePtr& d, const std::vector<RangeStats>& zones) {
  std::vector<Field> out;
  size_t n = zones.size();
  const DType& p = d->physical();
  bool strings = p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary;
  bool utf8 = p.kind == DTypeKind::Utf8;
  const std::vector<uint8_t> skip_nans = {0x08, 0x01};  // NumericalAggregateOpts{skip_nans: true}
  DTypePtr dn = d->with_nullable(true);
  if (has_minmax_stats(*d) && !all_null(zones)) {
    std::vector<std::optional<std::string>> mx(n), mn(n);
    if (strings) {
      std::vector<uint8_t> limit(8, 0);
      limit[0] = uint8_t(kStringBound);
      Buffer valid = Buffer::zeros(bitmap_bytes(n));
      std::vector<std::optional<std::string>> unknown(n, std::string(1, '\0'));
      for (size_t i = 0; i < n; i++) {
        if (!zones[i].has_minmax) continue;
        set_bit(valid.data(), i);
        mx[i] = upper_bound(zones[i].max, kStringBound, utf8);
        if (!mx[i]) unknown[i] = std::string(1, '\1');
        mn[i] = truncate_bound(zones[i].min, kStringBound, utf8);
      }
      Column bound = struct_column({"bound", "unknown"},
                                   {stat_values_column(dn, mx), stat_values_column(DType::boolean(false), unknown)}, n,
                                   true, valid);
      out.push_back({"vortex.bounded_max(64)", bound, "vortex.bounded_max", limit});
      out.push_back({"vortex.bounded_min(64)", stat_values_column(dn, mn), "vortex.bounded_min", limit});
    } else {
      for (size_t i = 0; i < n; i++)
        if (zones[i].has_minmax) mx[i] = zones[i].max, mn[i] = zones[i].min;
      out.push_back({"vortex.max()", stat_values_column(dn, mx), "vortex.max", skip_nans});
      out.push_back({"vortex.min()", stat_values_column(dn, mn), "vortex.min", skip_nans});
    }
  }
  std::vector<std::optional<std::string>> nans(n), nulls(n);
  for (size_t i = 0; i < n; i++) nans[i] = u64_bytes(zones[i].nans), nulls[i] = u64_bytes(zones[i].nulls);
  if (is_float_dtype(*d)) out.push_back({"vortex.nan_count()", stat_values_column(u64_nullable(), nans), "vortex.nan_count", {}});
  out.push_back({"vortex.null_count()", stat_values_column(u64_nullable(), nulls), "vortex.null_count", {}});
  return out;
}

// Legacy vortex.stats: fields in stat-number order, max/min each followed by a truncation flag.
std::vector<Field> legacy_fields(const DTypePtr& d, const std::vector<RangeStats>& zones, uint16_t& bitset) {
  std::vector<Field> out;
  size_t n = zones.size();
  const DType& p = d->physical();
  bool strings = p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary;
  bool utf8 = p.kind == DTypeKind::Utf8;
  DTypePtr dn = d->with_nullable(true);
  bitset = 0;
  if (has_minmax_stats(*d) && !all_null(zones)) {
    std::vector<std::optional<std::string>> mx(n), mn(n), mxt(n, std::string(1, '\0')), mnt(n, std::string(1, '\0'));
    for (size_t i = 0; i < n; i++) {
      if (!zones[i].has_minmax) continue;
      if (strings) {
        mx[i] = upper_bound(zones[i].max, kStringBound, utf8);
        mn[i] = truncate_bound(zones[i].min, kStringBound, utf8);
        if (zones[i].max.size() > kStringBound) mxt[i] = std::string(1, '\1');
        if (zones[i].min.size() > kStringBound) mnt[i] = std::string(1, '\1');
      } else {
        mx[i] = zones[i].max, mn[i] = zones[i].min;
      }
    }
    out.push_back({"max", stat_values_column(dn, mx), "", {}});
    out.push_back({"max_is_truncated", stat_values_column(DType::boolean(false), mxt), "", {}});
    out.push_back({"min", stat_values_column(dn, mn), "", {}});
    out.push_back({"min_is_truncated", stat_values_column(DType::boolean(false), mnt), "", {}});
    bitset |= 1u << 3 | 1u << 4;
  }
  std::vector<std::optional<std::string>> nans(n), nulls(n);
  for (size_t i = 0; i < n; i++) nans[i] = u64_bytes(zones[i].nans), nulls[i] = u64_bytes(zones[i].nulls);
  out.push_back({"null_count", stat_values_column(u64_nullable(), nulls), "", {}});
  bitset |= 1u << 6;
  if (is_float_dtype(*d)) {
    out.push_back({"nan_count", stat_values_column(u64_nullable(), nans), "", {}});
    bitset |= 1u << 8;
  }
  return out;
}

}  // namespace

std::optional<ZoneTable> ZoneAccumulator::finish(ZoneForm form) {
  if (open_.rows) {
    zones_.push_back(std::move(open_));
    open_ = RangeStats();
  }
  if (form == ZoneForm::None || zones_.empty()) return std::nullopt;
  uint16_t bitset = 0;
  std::vector<Field> fields = form == ZoneForm::Zoned ? zoned_fields(dtype_, zones_) : legacy_fields(dtype_, zones_, bitset);
  if (fields.empty()) return std::nullopt;
  ZoneTable t;
  std::vector<std::string> names;
  std::vector<Column> cols;
  for (auto& f : fields) names.push_back(f.name), cols.push_back(f.values);
  t.table = struct_column(names, cols, zones_.size(), false, Buffer());
  if (form == ZoneForm::Zoned) {
    pb::Writer m;
    m.varint(1, zone_len_);
    for (auto& f : fields) {
      pb::Writer spec;
      spec.string(1, f.agg_id);
      spec.bytes(2, f.agg_options.data(), f.agg_options.size());
      m.message(2, spec);
    }
    t.metadata.push_back(0x01);  // metadata version
    t.metadata.insert(t.metadata.end(), m.out.begin(), m.out.end());
  } else {
    t.metadata.resize(6);
    std::memcpy(t.metadata.data(), &zone_len_, 4);
    std::memcpy(t.metadata.data() + 4, &bitset, 2);
  }
  return t;
}

}  // namespace gyre::write
