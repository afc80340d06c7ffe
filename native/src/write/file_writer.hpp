// FileWriter: Arrow-layout record batches in, Vortex file bytes out (vortex-format.md §1, App. B).
// The caller owns I/O: every call returns the bytes to append to the file, so a file is written
// as it streams with memory bounded by one batch plus less than one chunk per column.
//
//   "VTXF" [segments, each padded to its alignment] [dtype][layout][statistics][footer][postscript]
//   [u16 version=1][u16 postscript length]["VTXF"]
//
// Layout: vortex.struct → per column (vortex.zoned →) vortex.chunked → vortex.flat. Chunks of a
// batch are encoded in parallel (parallel.hpp); segments are then laid out in a fixed order, so
// the output is deterministic.
#pragma once
#include <vector>

#include "../file/file_meta.hpp"
#include "column_writer.hpp"
#include "segment.hpp"

namespace gyre::write {

class FileWriter {
 public:
  // `dtype` is the root dtype: a non-nullable struct, one field per column.
  FileWriter(DTypePtr dtype, WriterOptions opts);

  // Appends a batch (a column of the root dtype) and returns the bytes to append to the file.
  // The batch may reference caller memory; nothing of it is kept after the call.
  Buffer write(const Column& batch);
  // Flushes the last chunks, zone maps and the footer; returns the file's final bytes.
  Buffer finish();

  uint64_t rows() const { return rows_; }

 private:
  // One array to become one segment: a piece of a column (chunk or dictionary values), or a
  // column's zones table.
  struct Task {
    size_t column;
    bool zones;
    Piece piece;
    EncodedArray encoded;
    uint32_t segment = 0;
    uint64_t nrows = 0;
  };
  // Encodes every task in parallel, then serializes them in task order (assigning segment ids)
  // and returns the bytes that place them after the current end of the file, followed by
  // `trailer(end)` when given.
  Buffer encode_and_emit(std::vector<Task>& tasks, bool with_trailer);
  // dtype, layout, statistics, footer, postscript and the end-of-file marker, starting at `at`.
  std::vector<uint8_t> trailer(uint64_t at);

  DTypePtr dtype_;
  WriterOptions opts_;
  std::vector<ColumnWriter> columns_;
  ArrayIds array_ids_;
  std::vector<SegmentSpec> segments_;
  std::vector<std::optional<ZoneTable>> zone_tables_;
  std::vector<uint32_t> zone_segments_;
  uint64_t pos_ = 0;  // bytes emitted so far
  uint64_t rows_ = 0;
  bool finished_ = false;
};

}  // namespace gyre::write
