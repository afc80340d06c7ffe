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

// Decoded-segment cache shared by all open files (thread-safe, LRU by bytes). Entries are keyed
// by (file id, segment id); a closed file's entries are dropped.
class SegmentCache {
 public:
  explicit SegmentCache(uint64_t capacity) : capacity_(capacity) {}
  bool get(uint64_t file, uint32_t seg, Column& out);
  bool contains(uint64_t file, uint32_t seg);
  void put(uint64_t file, uint32_t seg, const Column& c);
  void erase_file(uint64_t file);
  void set_capacity(uint64_t capacity);
  uint64_t used();

  // The process-wide cache (1 GiB unless set_capacity changes it).
  static SegmentCache& shared();

 private:
  void evict_locked();
  std::mutex mu_;
  uint64_t capacity_, used_ = 0;
  std::list<uint64_t> lru_;
  struct Entry {
    Column col;
    std::list<uint64_t>::iterator pos;
  };
  std::unordered_map<uint64_t, Entry> map_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_file_;
};

class LayoutReader {
 public:
  LayoutReader(const FileMeta& meta, SegmentCache* cache, uint64_t file_id = 0) : meta_(meta), cache_(cache), file_id_(file_id) {}

  // Segment ids needed to read rows [start, end) of node `id`.
  void plan(uint32_t id, uint64_t start, uint64_t end, std::vector<uint32_t>& out) const;
  Column read(uint32_t id, uint64_t start, uint64_t end, const SegmentSet& segs, Allocator& a);
  // Decodes one flat layout's whole array.
  Column read_flat(const LayoutNode& n, const SegmentSet& segs, Allocator& a);

 private:
  const FileMeta& meta_;
  SegmentCache* cache_;
  uint64_t file_id_;
};

// A JSON description of the array tree stored in a flat segment (encodings, metadata and buffer sizes).
std::string describe_segment(const FileMeta& meta, Bytes segment);

}  // namespace gyre
