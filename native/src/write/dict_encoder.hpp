// Layout-level dictionaries (vortex-format.md §3.7): a low-cardinality column is written as
// `vortex.dict` layouts — one values array shared by many chunks of small integer codes — instead
// of repeating its distinct values in every chunk. Like the official writer, a column qualifies when
// its first 8192-row block, fed to the compressor, comes out dictionary-encoded; a dictionary run
// ends at 65,535 entries (256 for 8-bit columns) or 1 MiB of values and the next run starts fresh.
// Nulls are one null entry in the values, so codes are never null (`is_nullable_codes = false`).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "../array/column.hpp"

namespace gyre::write {

class DictEncoder {
 public:
  explicit DictEncoder(DTypePtr dtype);

  // Primitive, Utf8 and Binary columns only (as in the official writer).
  static bool eligible(const DType& d);

  PType codes_ptype() const { return codes_ptype_; }
  DTypePtr codes_dtype() const { return DType::primitive(codes_ptype_, false); }
  // Encodes rows [start, start + n) of c, appending their codes; returns how many rows fit in the
  // current run (fewer than n when it filled up: close it with take_values and go on).
  uint64_t encode(const Column& c, uint64_t start, uint64_t n, std::vector<uint16_t>& codes);
  bool empty() const { return entries_ == 0; }
  // The current run's values (dtype = the column's), and a fresh dictionary for the next run.
  Column take_values();
  // Codes as a column of codes_ptype.
  Column codes_column(const std::vector<uint16_t>& codes) const;

 private:
  bool room_for(size_t bytes) const;
  uint16_t add_entry(const uint8_t* p, size_t n, bool null);

  DTypePtr dtype_;
  PType codes_ptype_;
  size_t max_entries_;
  std::unordered_map<std::string, uint16_t> index_;
  int32_t null_code_ = -1;
  size_t entries_ = 0;
  std::vector<uint8_t> bytes_;      // values: fixed-width elements or concatenated strings
  std::vector<uint32_t> offsets_;   // strings: entry i = bytes_[offsets_[i], offsets_[i+1])
};

}  // namespace gyre::write
