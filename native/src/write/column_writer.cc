#include "column_writer.hpp"

#include <algorithm>

#include "encoded.hpp"
#include "protobuf_writer.hpp"

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
  if (rows < zone) {
    // Wide values (images, audio): a zone's rows would make one chunk of many MiB, and a chunk is
    // the unit every read and seek decodes. Chunks of ~chunk_bytes instead, a power of two of rows
    // (at least 64) so whole chunks tile each zone.
    uint64_t p = 64;
    while (p * 2 <= rows) p *= 2;
    return std::min<uint64_t>(p, zone);
  }
  rows = (rows + zone - 1) / zone * zone;
  return std::clamp<uint64_t>(rows, zone, zone * 1024);
}

// Like the official writer: a dictionary when the compressor picks one for the first block.
void ColumnWriter::decide(const Column& first) {
  mode_ = Mode::Plain;
  chunk_dtype_ = dtype_;
  if (!opts_.compress || !opts_.dict_layouts || !DictEncoder::eligible(*dtype_) || first.length == 0) return;
  Allocator a(~0ull);
  Column sample = slice_column(a, first, 0, std::min<uint64_t>(first.length, opts_.zone_len));
  CompressOptions copts;
  if (compress(sample, copts).encoding != "vortex.dict") return;
  mode_ = Mode::Dict;
  dict_ = std::make_unique<DictEncoder>(dtype_);
  chunk_dtype_ = dict_->codes_dtype();
}

void ColumnWriter::append(const Column& rows, std::vector<Piece>& ready) {
  zones_.add(rows);
  seen_rows_ += rows.length;
  seen_bytes_ += logical_bytes(rows);
  if (mode_ == Mode::Undecided) {
    // Hold rows back (as plain data) until there is a whole block to decide on.
    if (pending_rows_ + rows.length < opts_.zone_len) {
      if (rows.length) pending_.push_back(copy_rows(rows, 0, rows.length));
      pending_rows_ += rows.length;
      return;
    }
    Allocator a(~0ull);
    std::vector<Column> parts = std::move(pending_);
    parts.push_back(rows);
    Column all = concat_columns(a, dtype_, parts);
    pending_.clear();
    pending_rows_ = 0;
    decide(all);
    if (mode_ == Mode::Dict) encode_dict(all, ready); else chunk(all, ready);
    return;
  }
  if (mode_ == Mode::Dict) encode_dict(rows, ready); else chunk(rows, ready);
}

void ColumnWriter::encode_dict(const Column& rows, std::vector<Piece>& ready) {
  uint64_t at = 0;
  while (at < rows.length) {
    std::vector<uint16_t> codes;
    uint64_t done = dict_->encode(rows, at, rows.length - at, codes);
    chunk(dict_->codes_column(codes), ready);
    at += done;
    if (at < rows.length) close_run(ready);
  }
}

// Ends the current dictionary run: its last codes chunk, then its values.
void ColumnWriter::close_run(std::vector<Piece>& ready) {
  flush_chunk(ready);
  ready.push_back({Piece::DictValues, uint32_t(runs_.size() - 1), dict_->take_values()});
  runs_.emplace_back();
}

void ColumnWriter::chunk(const Column& rows, std::vector<Piece>& ready) {
  uint64_t at = 0;
  uint32_t run = uint32_t(runs_.size() - 1);
  Allocator a(~0ull);
  for (;;) {
    uint64_t target = target_rows();
    if (pending_rows_ >= target) {
      flush_chunk(ready);
      continue;
    }
    uint64_t need = target - pending_rows_;
    if (rows.length - at < need) break;
    Column part = slice_column(a, rows, at, need);
    if (pending_.empty()) {
      ready.push_back({Piece::Chunk, run, part});
    } else {
      pending_.push_back(part);
      ready.push_back({Piece::Chunk, run, concat_columns(a, chunk_dtype_, pending_)});
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

void ColumnWriter::flush_chunk(std::vector<Piece>& ready) {
  if (pending_rows_ == 0) {
    pending_.clear();
    return;
  }
  Allocator a(~0ull);
  ready.push_back({Piece::Chunk, uint32_t(runs_.size() - 1), concat_columns(a, chunk_dtype_, pending_)});
  pending_.clear();
  pending_rows_ = 0;
}

void ColumnWriter::flush(std::vector<Piece>& ready) {
  if (mode_ == Mode::Undecided) {
    Allocator a(~0ull);
    Column all = pending_.empty() ? Column() : concat_columns(a, dtype_, pending_);
    pending_.clear();
    pending_rows_ = 0;
    decide(all);
    if (all.dtype) {
      if (mode_ == Mode::Dict) encode_dict(all, ready); else chunk(all, ready);
    }
  }
  flush_chunk(ready);
  if (mode_ == Mode::Dict && !dict_->empty()) {
    ready.push_back({Piece::DictValues, uint32_t(runs_.size() - 1), dict_->take_values()});
  }
}

void ColumnWriter::written(const Piece& p, uint64_t rows, uint32_t segment) {
  Run& r = runs_.at(p.run);
  if (p.kind == Piece::DictValues) r.value_rows = rows, r.values_segment = segment;
  else r.chunks.push_back({rows, segment});
}

namespace {

LayoutOut chunks_layout(const std::vector<LayoutOut>& parts, uint64_t rows) {
  if (parts.size() == 1) return parts[0];
  // Also the form of an empty column: a chunked layout with no children.
  LayoutOut c;
  c.encoding = "vortex.chunked";
  c.row_count = rows;
  c.children = parts;
  return c;
}

}  // namespace

LayoutOut ColumnWriter::layout(const std::optional<ZoneTable>& zones, uint32_t zones_segment) const {
  std::vector<LayoutOut> runs;
  uint64_t rows = 0;
  for (auto& r : runs_) {
    std::vector<LayoutOut> flats;
    uint64_t run_rows = 0;
    for (auto& c : r.chunks) flats.push_back(LayoutOut::flat(c.rows, c.segment)), run_rows += c.rows;
    rows += run_rows;
    if (mode_ != Mode::Dict) {
      for (auto& f : flats) runs.push_back(f);
      continue;
    }
    if (run_rows == 0) continue;
    LayoutOut d;
    d.encoding = "vortex.dict";
    d.row_count = run_rows;
    pb::Writer m;  // DictLayoutMetadata
    m.varint(1, uint64_t(dict_->codes_ptype()));
    m.varint_always(2, 0);  // is_nullable_codes: nulls are an entry of the values
    m.varint_always(3, 0);  // all_values_referenced
    d.metadata = std::move(m.out);
    d.children.push_back(LayoutOut::flat(r.value_rows, r.values_segment));
    d.children.push_back(chunks_layout(flats, run_rows));
    runs.push_back(std::move(d));
  }
  LayoutOut data = chunks_layout(runs, rows);
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
