// The layout tree a file ends up with, and its `Layout` flatbuffer (vortex-format.md §3.1).
// Layout ids are interned in post-order (children before parents), like the official writer.
#pragma once
#include <string>
#include <vector>

#include "../core/bytes.hpp"

namespace gyre::write {

struct LayoutOut {
  std::string encoding;  // e.g. "vortex.flat"
  uint64_t row_count = 0;
  std::vector<uint8_t> metadata;
  std::vector<LayoutOut> children;
  std::vector<uint32_t> segments;

  static LayoutOut flat(uint64_t rows, uint32_t segment) { return {"vortex.flat", rows, {}, {}, {segment}}; }
};

// Serializes the tree; `layout_ids` receives the ids in code order.
std::vector<uint8_t> layout_flatbuffer(const LayoutOut& root, std::vector<std::string>& layout_ids);

}  // namespace gyre::write
