// The container: EOF marker, postscript, footer (array/layout ids, segment map), dtype and the
// layout tree with every node's dtype derived from its parent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../dtype/dtype.hpp"

namespace gyre {

struct SegmentSpec {
  uint64_t offset = 0;
  uint32_t length = 0;
  uint8_t align_exp = 0;
};

struct BlobLoc {
  uint64_t offset = 0;
  uint32_t length = 0;
};

struct Postscript {
  std::optional<BlobLoc> dtype, layout, statistics, footer;
};

inline constexpr uint64_t kEofSize = 8;
inline constexpr uint64_t kMaxPostscript = 65527;

// Parses the postscript from the last `tail.size` bytes of a file of `file_size` bytes.
Postscript parse_postscript(Bytes tail, uint64_t file_size);

enum class LayoutKind : uint8_t { Flat, Chunked, Struct, Zoned, Stats, Dict };

// One zone-map field: its name in the zones table and what statistic it holds.
struct ZoneField {
  std::string name;
  std::string stat;  // "max", "min", "sum", "null_count", "nan_count", "max_is_truncated", ...
  bool bound = false;  // bounded (string) min/max
};

struct LayoutNode {
  uint32_t id = 0;
  LayoutKind kind = LayoutKind::Flat;
  std::string encoding;
  uint64_t row_count = 0;
  std::vector<uint32_t> children;
  std::vector<uint32_t> segments;
  DTypePtr dtype;
  // Zoned / stats.
  uint32_t zone_len = 0;
  bool zones_usable = false;
  std::vector<ZoneField> zone_fields;
  // Dict.
  PType codes_ptype = PType::U8;
  bool codes_nullable = false;
};

struct Column;

// Whole-file statistics of one top-level column (FileStatistics / ArrayStats).
struct FieldStats {
  std::shared_ptr<Column> min, max, sum;  // 1-row columns; null when absent
  bool min_exact = false, max_exact = false;
  std::optional<uint64_t> null_count, nan_count, uncompressed_size;
  std::optional<bool> is_sorted, is_strict_sorted, is_constant;
};

struct FileMeta {
  DTypePtr dtype;
  std::vector<std::string> array_ids;
  std::vector<std::string> layout_ids;
  std::vector<SegmentSpec> segments;
  std::vector<LayoutNode> layouts;  // layouts[0] is the root
  std::vector<uint8_t> statistics;  // FileStatistics flatbuffer bytes (may be empty)

  // `region` holds file bytes [region_offset, region_offset + region.size) covering every blob
  // the postscript names. `external_dtype` is used when the file stores no dtype.
  static FileMeta parse(Bytes region, uint64_t region_offset, const Postscript& ps, DTypePtr external_dtype);
  std::string layout_json() const;
  // One entry per top-level column (or one for a non-struct file); empty when the file has none.
  std::vector<FieldStats> file_statistics() const;
};

}  // namespace gyre
