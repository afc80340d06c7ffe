// Layout-level dictionary encoding (vortex-format.md §3.7), offered to the layout strategy.
//
// The official default writer gives a column a `vortex.dict` layout when the first 8192-row block,
// fed to the full compressor, comes out as a `vortex.dict` array (see wants_layout_dict). It then
// dictionary-encodes the column in runs: each run owns one dictionary of at most 65,535 entries and
// 1 MiB of values; when a limit is hit the run ends and a new one starts. A run becomes
//   vortex.dict layout  (metadata = layout_metadata())
//     child 0 values: one flat of the run's distinct values (the column's dtype)
//     child 1 codes:  Primitive(codes_ptype, non-nullable), the run's rows (usually chunked)
// and several runs are wrapped in a vortex.chunked layout. Nulls are one null entry in the values,
// codes stay non-nullable (the form both vortex-data 0.76 and 0.90 read).
//
// Usage (one encoder per column, rows fed in order):
//   LayoutDictEncoder enc(dtype);
//   uint64_t at = 0;
//   while (at < batch.length) {
//     Column codes;
//     uint64_t n = enc.encode(batch, at, codes);  // rows [at, at + n) → codes (n rows)
//     …write/accumulate codes chunks of the current run…
//     at += n;
//     if (at < batch.length) { Column values = enc.finish_run(); …close the run… }
//   }
//   at the end: Column values = enc.finish_run();
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "encoded.hpp"

namespace gyre::write {

// Eligible column types: Primitive (ints and floats, by bit pattern), Utf8, Binary.
bool layout_dict_eligible(const DType& d);

// The official trigger: compress_full(first block) yields a vortex.dict root.
bool wants_layout_dict(const Column& first_block, const CompressOptions& opts);

class LayoutDictEncoder {
 public:
  explicit LayoutDictEncoder(DTypePtr dtype, uint64_t max_len = 65535, uint64_t max_bytes = 1 << 20);
  ~LayoutDictEncoder();
  LayoutDictEncoder(LayoutDictEncoder&&) noexcept;
  LayoutDictEncoder& operator=(LayoutDictEncoder&&) noexcept;

  // Encodes rows [start, c.length) of c against the current run's dictionary into `codes`
  // (codes_ptype(), non-nullable). Returns how many rows were encoded: fewer than requested when
  // the dictionary is full — then finish_run() and continue from start + returned.
  uint64_t encode(const Column& c, uint64_t start, Column& codes);
  // The current run's values (dtype of the column, one null entry if nulls were seen) and starts a
  // new, empty run.
  Column finish_run();
  // Number of values in the current run.
  uint64_t size() const;
  // U8 for 8-bit primitive columns, otherwise U16 (the official choice).
  PType codes_ptype() const;
  // DictLayoutMetadata bytes: codes_ptype, is_nullable_codes = false, all_values_referenced = false
  // (as the official writer records them).
  std::vector<uint8_t> layout_metadata() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gyre::write
