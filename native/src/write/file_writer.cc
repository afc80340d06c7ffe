#include "file_writer.hpp"

#include <cstring>

#include "dtype_writer.hpp"
#include "file_stats.hpp"
#include "footer_writer.hpp"
#include "parallel.hpp"

namespace gyre::write {

namespace {
constexpr uint8_t kMagic[4] = {'V', 'T', 'X', 'F'};
}

FileWriter::FileWriter(DTypePtr dtype, WriterOptions opts) : dtype_(std::move(dtype)), opts_(opts) {
  if (dtype_->kind != DTypeKind::Struct || dtype_->nullable)
    throw VortexError(kInvalidArgument, "the root dtype of a written file must be a non-nullable struct");
  columns_.reserve(dtype_->fields.size());
  for (auto& f : dtype_->fields) columns_.emplace_back(f, opts_);
}

Buffer FileWriter::write(const Column& batch) {
  if (finished_) throw VortexError(kInvalidArgument, "write after finish");
  if (batch.children.size() != columns_.size())
    throw VortexError(kInvalidArgument, "batch has " + std::to_string(batch.children.size()) + " columns, expected " +
                                            std::to_string(columns_.size()));
  for (auto& c : batch.children)
    if (c.length != batch.length) throw VortexError(kInvalidArgument, "batch columns differ in length");
  std::vector<std::vector<Piece>> ready(columns_.size());
  parallel_for(columns_.size(), [&](size_t i) {
    Column c = batch.children[i];
    c.dtype = columns_[i].dtype();
    columns_[i].append(c, ready[i]);
  });
  rows_ += batch.length;
  std::vector<Task> tasks;
  for (size_t i = 0; i < ready.size(); i++)
    for (auto& r : ready[i]) tasks.push_back({i, false, std::move(r), {}, 0, 0});
  return encode_and_emit(tasks, false);
}

Buffer FileWriter::finish() {
  if (finished_) throw VortexError(kInvalidArgument, "finish called twice");
  finished_ = true;
  std::vector<std::vector<Piece>> ready(columns_.size());
  zone_tables_.assign(columns_.size(), std::nullopt);
  zone_segments_.assign(columns_.size(), 0);
  parallel_for(columns_.size(), [&](size_t i) {
    columns_[i].flush(ready[i]);
    zone_tables_[i] = columns_[i].finish_zones();
  });
  std::vector<Task> tasks;
  for (size_t i = 0; i < ready.size(); i++)
    for (auto& r : ready[i]) tasks.push_back({i, false, std::move(r), {}, 0, 0});
  for (size_t i = 0; i < columns_.size(); i++)
    if (zone_tables_[i]) tasks.push_back({i, true, {Piece::Chunk, 0, zone_tables_[i]->table}, {}, 0, 0});
  return encode_and_emit(tasks, true);
}

Buffer FileWriter::encode_and_emit(std::vector<Task>& tasks, bool with_trailer) {
  CompressOptions copts;
  copts.compress = opts_.compress;
  parallel_for(tasks.size(), [&](size_t t) {
    Column& rows = tasks[t].piece.rows;
    tasks[t].nrows = rows.length;
    tasks[t].encoded = opts_.compress ? compress(rows, copts) : encode_canonical(rows);
    rows = Column();  // the encoded tree keeps what it needs
  });
  // Serialize in task order: segment ids, array ids and offsets do not depend on thread timing.
  std::vector<SegmentBytes> segs;
  segs.reserve(tasks.size());
  uint64_t at = pos_ == 0 ? sizeof kMagic : pos_;
  std::vector<uint64_t> places;
  for (auto& t : tasks) {
    segs.push_back(serialize_segment(t.encoded, array_ids_));
    const SegmentBytes& s = segs.back();
    uint64_t align = uint64_t(1) << s.align_exp;
    at = (at + align - 1) / align * align;
    places.push_back(at);
    if (s.length > 0xffffffffULL) throw VortexError(kLimit, "segment larger than 4 GiB");
    t.segment = uint32_t(segments_.size());
    segments_.push_back({at, uint32_t(s.length), s.align_exp});
    at += s.length;
    if (t.zones) zone_segments_[t.column] = t.segment;
    else columns_[t.column].written(t.piece, t.nrows, t.segment);
  }
  std::vector<uint8_t> tail = with_trailer ? trailer(at) : std::vector<uint8_t>();
  uint64_t start = pos_;
  Buffer out = Buffer::alloc(at + tail.size() - start);
  uint8_t* base = out.data() - start;
  if (start == 0) std::memcpy(base, kMagic, sizeof kMagic);
  uint64_t prev = start == 0 ? sizeof kMagic : start;
  for (size_t i = 0; i < segs.size(); i++) {
    std::memset(base + prev, 0, places[i] - prev);
    prev = places[i] + segs[i].length;
  }
  parallel_for(segs.size(), [&](size_t i) { segs[i].write_to(base + places[i]); });
  if (!tail.empty()) std::memcpy(base + at, tail.data(), tail.size());
  pos_ = at + tail.size();
  return out;
}

std::vector<uint8_t> FileWriter::trailer(uint64_t at) {
  LayoutOut root;
  root.encoding = "vortex.struct";
  root.row_count = rows_;
  std::vector<ColumnStats> stats;
  for (size_t i = 0; i < columns_.size(); i++) {
    root.children.push_back(columns_[i].layout(zone_tables_[i], zone_segments_[i]));
    stats.push_back({columns_[i].dtype(), columns_[i].total_stats()});
  }
  std::vector<std::string> layout_ids;
  std::vector<uint8_t> out;
  auto place = [&](const std::vector<uint8_t>& blob) {
    BlobLoc b{at + out.size(), uint32_t(blob.size())};
    out.insert(out.end(), blob.begin(), blob.end());
    return b;
  };
  BlobLoc dtype = place(dtype_flatbuffer(*dtype_));
  BlobLoc layout = place(layout_flatbuffer(root, layout_ids));
  std::optional<BlobLoc> statistics;
  if (opts_.file_statistics) statistics = place(file_statistics_flatbuffer(stats));
  BlobLoc footer = place(footer_flatbuffer(array_ids_.ids(), layout_ids, segments_));
  std::vector<uint8_t> ps = postscript_flatbuffer(dtype, layout, statistics, footer);
  if (ps.size() > kMaxPostscript) throw VortexError(kLimit, "postscript too large");
  out.insert(out.end(), ps.begin(), ps.end());
  uint16_t version = 1, ps_len = uint16_t(ps.size());
  out.insert(out.end(), reinterpret_cast<uint8_t*>(&version), reinterpret_cast<uint8_t*>(&version) + 2);
  out.insert(out.end(), reinterpret_cast<uint8_t*>(&ps_len), reinterpret_cast<uint8_t*>(&ps_len) + 2);
  out.insert(out.end(), kMagic, kMagic + 4);
  return out;
}

}  // namespace gyre::write
