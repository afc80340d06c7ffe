// Serializing an encoded array tree into one flat-layout segment (vortex-format.md §4.1–4.3):
//   [pad][buffer 0][pad][buffer 1]…[pad to 8][Array flatbuffer][u32 LE flatbuffer length]
// Buffers are numbered in pre-order (a node's own buffers, then each child's subtree), each padded
// to its alignment relative to the segment start; the segment itself must be placed in the file at
// a multiple of its alignment (max(8, largest buffer alignment)).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "encoded.hpp"

namespace gyre::write {

// Array encoding ids of one file, interned in first-use order; the footer's array_specs lists them
// in this order, so a node's `encoding` code is its index here. Not thread-safe: segments are
// serialized in file order on one thread, which also keeps the output deterministic.
class ArrayIds {
 public:
  uint16_t intern(const std::string& id);
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<std::string> ids_;
  std::map<std::string, uint16_t> index_;
};

// A serialized segment that still references the tree's buffers (they are copied only once, into
// the output).
struct SegmentBytes {
  struct Piece {
    uint64_t at;  // offset within the segment
    Buffer data;
  };
  std::vector<Piece> pieces;
  std::vector<uint8_t> tail;  // Array flatbuffer + its u32 length
  uint64_t tail_at = 0;
  uint64_t length = 0;
  uint8_t align_exp = 3;

  // Writes the segment into dst[0, length); padding bytes become zeros.
  void write_to(uint8_t* dst) const;
};

SegmentBytes serialize_segment(const EncodedArray& root, ArrayIds& ids);

}  // namespace gyre::write
