// Reads rows of a layout subtree into a Column: flat (decode a segment), chunked (concatenate),
// struct (fields), zoned/stats (the data child), dict (take values by codes). Segment bytes are
// supplied by the caller (TypeScript owns I/O); plan() says which segments a read needs.
#pragma once
#include <list>
#include <mutex>
#include <unordered_map>

#include "../array/column.hpp"
#include "../file/file_meta.hpp"

namespace gyre {

// Segment id → bytes, provided for one read.
struct SegmentSet {
  std::unordered_map<uint32_t, Bytes> bytes;
  Bytes get(uint32_t id) const;
};

// Decoded-segment cache shared by reads of one file (thread-safe, LRU by bytes).
class SegmentCache {
 public:
  explicit SegmentCache(uint64_t capacity) : capacity_(capacity) {}
  bool get(uint32_t seg, Column& out);
  void put(uint32_t seg, const Column& c);

 private:
  std::mutex mu_;
  uint64_t capacity_, used_ = 0;
  std::list<uint32_t> lru_;
  struct Entry {
    Column col;
    std::list<uint32_t>::iterator pos;
  };
  std::unordered_map<uint32_t, Entry> map_;
};

class LayoutReader {
 public:
  LayoutReader(const FileMeta& meta, SegmentCache* cache) : meta_(meta), cache_(cache) {}

  // Segment ids needed to read rows [start, end) of node `id`.
  void plan(uint32_t id, uint64_t start, uint64_t end, std::vector<uint32_t>& out) const;
  Column read(uint32_t id, uint64_t start, uint64_t end, const SegmentSet& segs, Allocator& a);
  // Decodes one flat layout's whole array.
  Column read_flat(const LayoutNode& n, const SegmentSet& segs, Allocator& a);

 private:
  const FileMeta& meta_;
  SegmentCache* cache_;
};

// A JSON description of the array tree stored in a flat segment (encodings, metadata and buffer sizes).
std::string describe_segment(const FileMeta& meta, Bytes segment);

}  // namespace gyre
