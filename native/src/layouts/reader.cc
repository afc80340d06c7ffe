#include "reader.hpp"

#include "../encodings/common.hpp"

namespace gyre {

Bytes SegmentSet::get(uint32_t id) const {
  auto it = bytes.find(id);
  if (it == bytes.end()) throw VortexError(kInvalidArgument, "segment " + std::to_string(id) + " was not supplied");
  return it->second;
}

static uint64_t cache_key(uint64_t file, uint32_t seg) { return (file << 32) | seg; }

SegmentCache& SegmentCache::shared() {
  static SegmentCache cache(1ull << 30);
  return cache;
}

bool SegmentCache::get(uint64_t file, uint32_t seg, Column& out) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = map_.find(cache_key(file, seg));
  if (it == map_.end()) return false;
  lru_.splice(lru_.begin(), lru_, it->second.pos);
  out = it->second.col;
  return true;
}

bool SegmentCache::contains(uint64_t file, uint32_t seg) {
  std::lock_guard<std::mutex> g(mu_);
  return map_.count(cache_key(file, seg)) > 0;
}

void SegmentCache::put(uint64_t file, uint32_t seg, const Column& c) {
  uint64_t n = c.nbytes();
  std::lock_guard<std::mutex> g(mu_);
  if (n > capacity_ / 4) return;
  uint64_t k = cache_key(file, seg);
  if (map_.count(k)) return;
  lru_.push_front(k);
  map_[k] = Entry{c, lru_.begin()};
  by_file_[file].push_back(seg);
  used_ += n;
  evict_locked();
}

void SegmentCache::evict_locked() {
  while (used_ > capacity_ && !lru_.empty()) {
    uint64_t victim = lru_.back();
    lru_.pop_back();
    auto it = map_.find(victim);
    used_ -= it->second.col.nbytes();
    map_.erase(it);
  }
}

void SegmentCache::erase_file(uint64_t file) {
  std::lock_guard<std::mutex> g(mu_);
  auto f = by_file_.find(file);
  if (f == by_file_.end()) return;
  for (uint32_t seg : f->second) {
    auto it = map_.find(cache_key(file, seg));
    if (it == map_.end()) continue;
    used_ -= it->second.col.nbytes();
    lru_.erase(it->second.pos);
    map_.erase(it);
  }
  by_file_.erase(f);
}

void SegmentCache::set_capacity(uint64_t capacity) {
  std::lock_guard<std::mutex> g(mu_);
  capacity_ = capacity;
  evict_locked();
}

uint64_t SegmentCache::used() {
  std::lock_guard<std::mutex> g(mu_);
  return used_;
}

static const LayoutNode& node_at(const FileMeta& m, uint32_t id) {
  if (id >= m.layouts.size()) throw VortexError(kInvalidArgument, "layout node id out of range");
  return m.layouts[id];
}

void LayoutReader::plan(uint32_t id, uint64_t start, uint64_t end, std::vector<uint32_t>& out) const {
  const LayoutNode& n = node_at(meta_, id);
  if (end > n.row_count) end = n.row_count;
  if (start >= end && n.row_count) return;
  switch (n.kind) {
    case LayoutKind::Flat: out.push_back(n.segments[0]); break;
    case LayoutKind::Chunked: {
      uint64_t at = 0;
      for (uint32_t c : n.children) {
        uint64_t rows = meta_.layouts[c].row_count;
        if (at < end && at + rows > start) plan(c, start > at ? start - at : 0, std::min(end - at, rows), out);
        at += rows;
      }
      break;
    }
    case LayoutKind::Struct:
      for (uint32_t c : n.children) plan(c, start, end, out);
      break;
    case LayoutKind::Zoned:
    case LayoutKind::Stats: plan(n.children[0], start, end, out); break;
    case LayoutKind::Dict:
      plan(n.children[0], 0, meta_.layouts[n.children[0]].row_count, out);
      plan(n.children[1], start, end, out);
      break;
  }
}

Column LayoutReader::read_flat(const LayoutNode& n, const SegmentSet& segs, Allocator& a) {
  uint32_t sid = n.segments[0];
  Column cached;
  if (cache_ && cache_->get(file_id_, sid, cached)) {
    if (cached.length != n.row_count) corrupt("cached segment length mismatch");
    return cached;
  }
  Bytes b = segs.get(sid);
  if (b.size != meta_.segments[sid].length) throw VortexError(kInvalidArgument, "segment bytes have the wrong length");
  Segment seg = Segment::parse(b);
  DecodeCtx ctx{meta_.array_ids, a};
  Column c = ctx.decode(ArrayNode(&seg, seg.array.table(0)), n.dtype, n.row_count);
  if (cache_) cache_->put(file_id_, sid, c);
  return c;
}

Column LayoutReader::read(uint32_t id, uint64_t start, uint64_t end, const SegmentSet& segs, Allocator& a) {
  const LayoutNode& n = node_at(meta_, id);
  if (end > n.row_count || start > end) throw VortexError(kInvalidArgument, "row range out of bounds");
  switch (n.kind) {
    case LayoutKind::Flat: {
      Column c = read_flat(n, segs, a);
      return slice_column(a, c, start, end - start);
    }
    case LayoutKind::Chunked: {
      std::vector<Column> parts;
      uint64_t at = 0;
      for (uint32_t c : n.children) {
        uint64_t rows = meta_.layouts[c].row_count;
        if (at < end && at + rows > start) parts.push_back(read(c, start > at ? start - at : 0, std::min(end - at, rows), segs, a));
        at += rows;
      }
      if (parts.empty()) return make_null_column(a, n.dtype, 0);
      return concat_columns(a, n.dtype, parts);
    }
    case LayoutKind::Struct: {
      const DType& p = *n.dtype;
      Column c;
      c.dtype = n.dtype;
      c.length = end - start;
      size_t first = 0;
      if (p.nullable) {
        Column v = read(n.children[0], start, end, segs, a);
        Buffer bits = v.buffers.at(0);
        if (count_set_bits(bits.data(), c.length) != c.length) c.validity = bits;
        first = 1;
      }
      for (size_t i = first; i < n.children.size(); i++) c.children.push_back(read(n.children[i], start, end, segs, a));
      return c;
    }
    case LayoutKind::Zoned:
    case LayoutKind::Stats: return read(n.children[0], start, end, segs, a);
    case LayoutKind::Dict: {
      const LayoutNode& vals = meta_.layouts[n.children[0]];
      Column values = read(vals.id, 0, vals.row_count, segs, a);
      Column codes = read(n.children[1], start, end, segs, a);
      Column out = take_column(a, values, codes);
      set_dtype(out, n.dtype);
      return out;
    }
  }
  corrupt("unknown layout kind");
}

static void describe(const FileMeta& meta, const ArrayNode& node, std::string& o, int depth) {
  if (depth > 64) corrupt("array tree nested too deeply");
  uint16_t e = node.encoding();
  if (e >= meta.array_ids.size()) corrupt("array encoding code out of range");
  o += "{\"encoding\":\"" + meta.array_ids[e] + "\",\"metadataBytes\":" + std::to_string(node.metadata().size);
  o += ",\"buffers\":[";
  for (uint32_t i = 0; i < node.nbuffers(); i++) o += (i ? "," : "") + std::to_string(node.buffer(i).size);
  o += "],\"children\":[";
  for (uint32_t i = 0; i < node.nchildren(); i++) {
    if (i) o += ',';
    describe(meta, node.child(i), o, depth + 1);
  }
  o += "]}";
}

std::string describe_segment(const FileMeta& meta, Bytes segment) {
  Segment seg = Segment::parse(segment);
  std::string o;
  describe(meta, ArrayNode(&seg, seg.array.table(0)), o, 0);
  return o;
}

}  // namespace gyre
