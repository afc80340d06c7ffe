#include "segment.hpp"

#include <cstring>

#include "flatbuffer_builder.hpp"

namespace gyre::write {

uint16_t ArrayIds::intern(const std::string& id) {
  auto it = index_.find(id);
  if (it != index_.end()) return it->second;
  if (ids_.size() >= 0xffff) throw VortexError(kLimit, "too many array encodings in one file");
  uint16_t code = uint16_t(ids_.size());
  ids_.push_back(id);
  index_.emplace(id, code);
  return code;
}

namespace {

// Buffers of the tree in pre-order, each with its assigned alignment.
void flatten(const EncodedArray& a, std::vector<const OutBuffer*>& out) {
  for (auto& b : a.buffers) out.push_back(&b);
  for (auto& c : a.children) flatten(c, out);
}

// Builds the ArrayNode for `a`, whose first own buffer has index `first`; advances `first` past
// the whole subtree.
fbw::Ref build_node(fbw::Builder& fb, const EncodedArray& a, uint32_t& first, ArrayIds& ids) {
  std::vector<uint16_t> own;
  for (size_t i = 0; i < a.buffers.size(); i++) {
    if (first > 0xffff) throw VortexError(kLimit, "too many buffers in one segment");
    own.push_back(uint16_t(first++));
  }
  std::vector<fbw::Ref> kids;
  for (auto& c : a.children) kids.push_back(build_node(fb, c, first, ids));
  uint16_t code = ids.intern(a.encoding);
  fbw::Ref metadata = fb.bytes(a.metadata.data(), a.metadata.size());
  fbw::Ref children = fb.refs(kids);
  fbw::Ref buffers = fb.scalars(own);
  fb.start_table();
  fb.add<uint16_t>(0, code, 0);
  fb.add_ref(1, metadata);
  fb.add_ref(2, children);
  fb.add_ref(3, buffers);
  return fb.end_table();
}

}  // namespace

SegmentBytes serialize_segment(const EncodedArray& root, ArrayIds& ids) {
  SegmentBytes s;
  std::vector<const OutBuffer*> bufs;
  flatten(root, bufs);
  // Buffer descriptors: struct Buffer { u16 padding; u8 alignment_exponent; u8 compression; u32 length }.
  std::vector<uint8_t> descs(bufs.size() * 8);
  uint64_t pos = 0;
  uint8_t seg_exp = 3;
  for (size_t i = 0; i < bufs.size(); i++) {
    const OutBuffer& b = *bufs[i];
    uint64_t align = uint64_t(1) << b.align_exp;
    uint64_t pad = (align - (pos & (align - 1))) & (align - 1);
    if (pad > 0xffff) throw VortexError(kLimit, "buffer alignment too large");
    if (b.data.size() > 0xffffffffULL) throw VortexError(kLimit, "buffer larger than 4 GiB");
    pos += pad;
    if (b.data.size()) s.pieces.push_back({pos, b.data});
    pos += b.data.size();
    uint16_t pad16 = uint16_t(pad);
    uint32_t len = uint32_t(b.data.size());
    std::memcpy(&descs[i * 8], &pad16, 2);
    descs[i * 8 + 2] = b.align_exp;
    descs[i * 8 + 3] = 0;
    std::memcpy(&descs[i * 8 + 4], &len, 4);
    if (b.align_exp > seg_exp) seg_exp = b.align_exp;
  }
  pos = (pos + 7) & ~uint64_t(7);
  fbw::Builder fb;
  uint32_t first = 0;
  fbw::Ref node = build_node(fb, root, first, ids);
  fbw::Ref descv = fb.structs(descs.data(), bufs.size(), 8, 4);
  fb.start_table();
  fb.add_ref(0, node);
  fb.add_ref(1, descv);
  s.tail = fb.finish(fb.end_table());
  uint32_t fb_len = uint32_t(s.tail.size());
  s.tail.resize(s.tail.size() + 4);
  std::memcpy(s.tail.data() + fb_len, &fb_len, 4);
  s.tail_at = pos;
  s.length = pos + s.tail.size();
  s.align_exp = seg_exp;
  return s;
}

void SegmentBytes::write_to(uint8_t* dst) const {
  uint64_t at = 0;
  for (auto& p : pieces) {
    if (p.at > at) std::memset(dst + at, 0, p.at - at);
    std::memcpy(dst + p.at, p.data.data(), p.data.size());
    at = p.at + p.data.size();
  }
  if (tail_at > at) std::memset(dst + at, 0, tail_at - at);
  std::memcpy(dst + tail_at, tail.data(), tail.size());
}

}  // namespace gyre::write
