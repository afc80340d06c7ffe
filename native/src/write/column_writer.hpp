// One top-level column of a file being written: rows arrive batch by batch, are regrouped into
// chunks (multiples of 8192 rows reaching ~1 MiB of uncompressed data, like the official default
// strategy, or exactly `chunk_rows`), and each chunk becomes one flat segment. Zone statistics are
// gathered as rows arrive, so zones span batch and chunk boundaries freely.
#pragma once
#include <optional>
#include <vector>

#include "layout_writer.hpp"
#include "zone_map.hpp"

namespace gyre::write {

struct WriterOptions {
  bool compress = true;
  uint64_t chunk_rows = 0;            // 0: chunk by uncompressed size
  uint64_t chunk_bytes = 1ull << 20;  // target uncompressed bytes per chunk
  uint32_t zone_len = 8192;
  ZoneForm zones = ZoneForm::Zoned;
  bool file_statistics = true;
};

class ColumnWriter {
 public:
  ColumnWriter(DTypePtr dtype, const WriterOptions& opts)
      : dtype_(std::move(dtype)), opts_(opts), zones_(dtype_, opts.zone_len) {}

  // Appends rows. `rows` may reference caller memory only for the duration of the call: complete
  // chunks go to `ready` (to be encoded before the call returns), the remainder is copied.
  void append(const Column& rows, std::vector<Column>& ready);
  // Moves whatever is pending into `ready` as the last chunk.
  void flush(std::vector<Column>& ready);
  // Records that the next chunk (in order) was written as `segment`.
  void add_chunk(uint64_t rows, uint32_t segment) { chunks_.push_back({rows, segment}); }

  std::optional<ZoneTable> finish_zones() { return zones_.finish(uses_zones() ? opts_.zones : ZoneForm::None); }
  RangeStats total_stats() const { return zones_.total(); }
  // The column's layout: its chunks (flat / chunked), wrapped in a zone map when there is one.
  LayoutOut layout(const std::optional<ZoneTable>& zones, uint32_t zones_segment) const;

  const DTypePtr& dtype() const { return dtype_; }

 private:
  // Struct columns carry no zone map (nested fields are not zoned by vortex-data 0.90 either).
  bool uses_zones() const { return dtype_->kind != DTypeKind::Struct; }
  uint64_t target_rows() const;

  DTypePtr dtype_;
  const WriterOptions& opts_;
  ZoneAccumulator zones_;
  std::vector<Column> pending_;
  uint64_t pending_rows_ = 0;
  uint64_t seen_rows_ = 0, seen_bytes_ = 0;
  struct Chunk {
    uint64_t rows;
    uint32_t segment;
  };
  std::vector<Chunk> chunks_;
};

// Uncompressed size of a column's rows (what the official strategy measures chunks by).
uint64_t logical_bytes(const Column& c);
// An owned deep copy of rows [start, start + n) (never shares the source's memory).
Column copy_rows(const Column& c, uint64_t start, uint64_t n);

}  // namespace gyre::write
