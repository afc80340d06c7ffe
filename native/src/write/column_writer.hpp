// One top-level column of a file being written: rows arrive batch by batch, are regrouped into
// chunks (multiples of 8192 rows reaching ~1 MiB of uncompressed data, like the official default
// strategy; for values so wide that a zone would exceed that, a power of two of rows near 1 MiB;
// or exactly `chunk_rows`), and each chunk becomes one flat segment. Zone statistics are
// gathered as rows arrive, so zones span batch and chunk boundaries freely. A low-cardinality
// column is decided on its first 8192 rows and then written as dictionary codes (dict_encoder.hpp).
#pragma once
#include <optional>
#include <vector>

#include <memory>

#include "dict_encoder.hpp"
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
  bool dict_layouts = true;  // layout-level dictionaries for low-cardinality columns (with compress)
};

// An array the column wants written as one segment: a chunk of its rows (or of its dictionary
// codes), or the values of a finished dictionary run.
struct Piece {
  enum Kind : uint8_t { Chunk, DictValues } kind;
  uint32_t run;  // dictionary run (0 without dictionaries)
  Column rows;
};

class ColumnWriter {
 public:
  ColumnWriter(DTypePtr dtype, const WriterOptions& opts)
      : dtype_(std::move(dtype)), opts_(opts), zones_(dtype_, opts.zone_len) {}

  // Appends rows. `rows` may reference caller memory only for the duration of the call: complete
  // pieces go to `ready` (to be encoded before the call returns), the remainder is copied.
  void append(const Column& rows, std::vector<Piece>& ready);
  // Moves whatever is pending into `ready` (the last chunk, the last dictionary's values).
  void flush(std::vector<Piece>& ready);
  // Records where a piece (in the order they were handed out) was written.
  void written(const Piece& p, uint64_t rows, uint32_t segment);

  std::optional<ZoneTable> finish_zones() { return zones_.finish(uses_zones() ? opts_.zones : ZoneForm::None); }
  RangeStats total_stats() const { return zones_.total(); }
  // The column's layout: its chunks (flat / chunked, under dictionary layouts when it has them),
  // wrapped in a zone map when there is one.
  LayoutOut layout(const std::optional<ZoneTable>& zones, uint32_t zones_segment) const;

  const DTypePtr& dtype() const { return dtype_; }

 private:
  enum class Mode : uint8_t { Undecided, Plain, Dict };
  // Struct columns carry no zone map (nested fields are not zoned by vortex-data 0.90 either).
  bool uses_zones() const { return dtype_->kind != DTypeKind::Struct; }
  uint64_t target_rows() const;
  void decide(const Column& first_rows);
  // Regroups rows of the chunked column (the data, or dictionary codes) into chunks.
  void chunk(const Column& rows, std::vector<Piece>& ready);
  void flush_chunk(std::vector<Piece>& ready);
  void encode_dict(const Column& rows, std::vector<Piece>& ready);
  void close_run(std::vector<Piece>& ready);

  DTypePtr dtype_;
  const WriterOptions& opts_;
  ZoneAccumulator zones_;
  Mode mode_ = Mode::Undecided;
  std::unique_ptr<DictEncoder> dict_;
  DTypePtr chunk_dtype_;  // dtype of what is chunked: dtype_, or the dictionary codes
  std::vector<Column> pending_;
  uint64_t pending_rows_ = 0;
  uint64_t seen_rows_ = 0, seen_bytes_ = 0;
  struct Chunk {
    uint64_t rows;
    uint32_t segment;
  };
  struct Run {
    std::vector<Chunk> chunks;
    uint64_t value_rows = 0;
    uint32_t values_segment = 0;
  };
  std::vector<Run> runs_{1};
};

// Uncompressed size of a column's rows (what the official strategy measures chunks by).
uint64_t logical_bytes(const Column& c);
// An owned deep copy of rows [start, start + n) (never shares the source's memory).
Column copy_rows(const Column& c, uint64_t start, uint64_t n);

}  // namespace gyre::write
