#include "column_writer.hpp"

#include <algorithm>

namespace gyre::write {

uint64_t logical_bytes(const Column& c) {
  uint64_t n = c.validity.empty() ? 0 : bitmap_bytes(c.length);
  const DType& p = c.dtype->physical();
  auto offset = [&](uint64_t i) {
    return c.large ? c.buffers[0].as<uint64_t>()[i] : uint64_t(c.buffers[0].as<uint32_t>()[i]);
  };
  switch (p.kind) {
    case DTypeKind::Bool: return n + bitmap_bytes(c.length);
    case DTypeKind::Primitive: return n + c.length * ptype_width(p.ptype);
    case DTypeKind::Decimal: return n + c.length * decimal_out_width(p);
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
      return n + (c.length + 1) * (c.large ? 8 : 4) + (c.length ? offset(c.length) - offset(0) : 0);
    case DTypeKind::List: {
      uint64_t o0 = c.length ? offset(0) : 0, on = c.length ? offset(c.length) : 0;
      Column elems = c.children[0];
      if (on - o0 != elems.length) {
        Allocator a(~0ull);
        elems = slice_column(a, elems, o0, on - o0);
      }
      return n + (c.length + 1) * (c.large ? 8 : 4) + logical_bytes(elems);
    }
    case DTypeKind::FixedSizeList:
    case DTypeKind::Struct:
      for (auto& k : c.children) n += logical_bytes(k);
      return n;
    default: return n;
  }
}

namespace {

Buffer owned(const Buffer& b) { return b.empty() ? b : Buffer::copy_of(b.data(), b.size()); }

Column deep_copy(const Column& c) {
  Column out = c;
  out.validity = owned(c.validity);
  for (auto& b : out.buffers) b = owned(b);
  for (auto& k : out.children) k = deep_copy(k);
  return out;
}

}  // namespace

Column copy_rows(const Column& c, uint64_t start, uint64_t n) {
  if (start == 0 && n == c.length) return deep_copy(c);
  Allocator a(~0ull);
  Column s = slice_column(a, c, start, n);
  return deep_copy(s);  // slices may still share nested children with the source
}

uint64_t ColumnWriter::target_rows() const {
  if (opts_.chunk_rows) return opts_.chunk_rows;
  uint64_t zone = opts_.zone_len;
  if (seen_bytes_ == 0) return zone * 1024;
  double per_row = double(seen_bytes_) / double(seen_rows_);
  uint64_t rows = uint64_t(double(opts_.chunk_bytes) / per_row + 0.999999);
  rows = (rows + zone - 1) / zone * zone;
  return std::clamp<uint64_t>(rows, zone, zone * 1024);
}

void ColumnWriter::append(const Column& rows, std::vector<Column>& ready) {
  zones_.add(rows);
  seen_rows_ += rows.length;
  seen_bytes_ += logical_bytes(rows);
  uint64_t at = 0;
  Allocator a(~0ull);
  for (;;) {
    uint64_t target = target_rows();
    if (pending_rows_ >= target) {
      flush(ready);
      continue;
    }
    uint64_t need = target - pending_rows_;
    if (rows.length - at < need) break;
    Column part = slice_column(a, rows, at, need);
    if (pending_.empty()) {
      ready.push_back(part);
    } else {
      pending_.push_back(part);
      ready.push_back(concat_columns(a, dtype_, pending_));
      pending_.clear();
      pending_rows_ = 0;
    }
    at += need;
  }
  if (at < rows.length) {
    pending_.push_back(copy_rows(rows, at, rows.length - at));
    pending_rows_ += rows.length - at;
  }
}

void ColumnWriter::flush(std::vector<Column>& ready) {
  if (pending_rows_ == 0) {
    pending_.clear();
    return;
  }
  Allocator a(~0ull);
  ready.push_back(concat_columns(a, dtype_, pending_));
  pending_.clear();
  pending_rows_ = 0;
}

LayoutOut ColumnWriter::layout(const std::optional<ZoneTable>& zones, uint32_t zones_segment) const {
  LayoutOut data;
  uint64_t rows = 0;
  for (auto& c : chunks_) rows += c.rows;
  if (chunks_.size() == 1) {
    data = LayoutOut::flat(rows, chunks_[0].segment);
  } else {
    // Also the form of an empty column: a chunked layout with no children.
    data.encoding = "vortex.chunked";
    data.row_count = rows;
    for (auto& c : chunks_) data.children.push_back(LayoutOut::flat(c.rows, c.segment));
  }
  if (!zones) return data;
  LayoutOut z;
  z.encoding = opts_.zones == ZoneForm::Stats ? "vortex.stats" : "vortex.zoned";
  z.row_count = rows;
  z.metadata = zones->metadata;
  z.children.push_back(std::move(data));
  z.children.push_back(LayoutOut::flat(zones->table.length, zones_segment));
  return z;
}

}  // namespace gyre::write
