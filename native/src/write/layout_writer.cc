#include "layout_writer.hpp"

#include <algorithm>

#include "flatbuffer_builder.hpp"

namespace gyre::write {
namespace {

fbw::Ref build(fbw::Builder& fb, const LayoutOut& n, std::vector<std::string>& ids) {
  std::vector<fbw::Ref> kids;
  for (auto& c : n.children) kids.push_back(build(fb, c, ids));
  auto it = std::find(ids.begin(), ids.end(), n.encoding);
  uint16_t code = uint16_t(it - ids.begin());
  if (it == ids.end()) ids.push_back(n.encoding);
  // Empty metadata, children and segments are omitted, as the Rust writer does.
  fbw::Ref meta = n.metadata.empty() ? fbw::Ref() : fb.bytes(n.metadata.data(), n.metadata.size());
  fbw::Ref children = kids.empty() ? fbw::Ref() : fb.refs(kids);
  fbw::Ref segs = n.segments.empty() ? fbw::Ref() : fb.scalars(n.segments);
  fb.start_table();
  fb.add<uint64_t>(1, n.row_count, 0);
  fb.add_ref(2, meta);
  fb.add_ref(3, children);
  fb.add_ref(4, segs);
  fb.add<uint16_t>(0, code, 0);
  return fb.end_table();
}

}  // namespace

std::vector<uint8_t> layout_flatbuffer(const LayoutOut& root, std::vector<std::string>& layout_ids) {
  fbw::Builder fb;
  return fb.finish(build(fb, root, layout_ids));
}

}  // namespace gyre::write
