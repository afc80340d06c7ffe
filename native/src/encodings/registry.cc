#include "registry.hpp"

#include <mutex>
#include <unordered_map>

namespace gyre {

static std::unordered_map<std::string, DecodeFn>& registry() {
  static std::unordered_map<std::string, DecodeFn> r;
  return r;
}

EncodingRegistrar::EncodingRegistrar(const char* id, DecodeFn fn) { registry()[id] = fn; }

DecodeFn find_decoder(std::string_view id) {
  auto& r = registry();
  auto it = r.find(std::string(id));
  return it == r.end() ? nullptr : it->second;
}

Segment Segment::parse(Bytes seg) {
  Segment s;
  s.bytes = seg;
  uint32_t fl = seg.read<uint32_t>(seg.size < 4 ? 0 : seg.size - 4, "segment too short");
  if (uint64_t(fl) + 4 > seg.size) corrupt("segment array flatbuffer length out of bounds");
  uint64_t fb_start = seg.size - 4 - fl;
  s.array = fb::Table::root(seg.slice(fb_start, fl));
  fb::Vector bufs = s.array.vector(1);
  uint64_t pos = 0;
  // Each Buffer descriptor takes 8 bytes of the flatbuffer: bound the count before reserving.
  if (uint64_t(bufs.size()) * 8 > fl) corrupt("array buffer count exceeds the flatbuffer size");
  s.buffers.reserve(bufs.size());
  for (uint32_t i = 0; i < bufs.size(); i++) {
    Bytes b = bufs.strukt(i, 8);
    uint16_t padding = b.read<uint16_t>(0);
    uint32_t length = b.read<uint32_t>(4);
    pos += padding;
    if (pos > fb_start || length > fb_start - pos) corrupt("array buffer out of segment bounds");
    s.buffers.push_back(seg.slice(pos, length));
    pos += length;
  }
  return s;
}

ArrayNode ArrayNode::child(uint32_t i) const { return ArrayNode(seg_, t_.vector(2).table(i)); }

Bytes ArrayNode::buffer(uint32_t i) const {
  uint16_t idx = t_.vector(3).scalar<uint16_t>(i);
  if (idx >= seg_->buffers.size()) corrupt("array node buffer index out of range");
  return seg_->buffers[idx];
}

const std::string& DecodeCtx::encoding_id(const ArrayNode& node) const {
  uint16_t e = node.encoding();
  if (e >= array_ids.size()) corrupt("array encoding code out of range");
  return array_ids[e];
}

Column DecodeCtx::decode(const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (depth > 64) corrupt("array tree nested too deeply");
  const std::string& id = encoding_id(node);
  DecodeFn fn = find_decoder(id);
  if (!fn) unsupported("unsupported encoding " + id);
  depth++;
  Column c = fn(*this, node, d, len);
  depth--;
  if (c.length != len) corrupt(id + " decoded " + std::to_string(c.length) + " rows, expected " + std::to_string(len));
  set_dtype(c, d);
  return c;
}

}  // namespace gyre
