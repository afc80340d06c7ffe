#include "footer_writer.hpp"

#include <cstring>

#include "flatbuffer_builder.hpp"

namespace gyre::write {
namespace {

fbw::Ref id_specs(fbw::Builder& fb, const std::vector<std::string>& ids) {
  std::vector<fbw::Ref> specs;
  for (auto& id : ids) {
    fbw::Ref s = fb.string(id);
    fb.start_table();
    fb.add_ref(0, s);
    specs.push_back(fb.end_table());
  }
  return fb.refs(specs);
}

fbw::Ref blob(fbw::Builder& fb, const BlobLoc& b) {
  fb.start_table();
  fb.add<uint64_t>(0, b.offset, 0);
  fb.add<uint32_t>(1, b.length, 0);
  fb.add<uint8_t>(2, 3, 0);  // alignment exponent: the official writer always records 8 bytes
  return fb.end_table();
}

}  // namespace

std::vector<uint8_t> footer_flatbuffer(const std::vector<std::string>& array_ids,
                                       const std::vector<std::string>& layout_ids,
                                       const std::vector<SegmentSpec>& segments) {
  fbw::Builder fb;
  fbw::Ref arrays = id_specs(fb, array_ids);
  fbw::Ref layouts = id_specs(fb, layout_ids);
  // struct SegmentSpec { u64 offset; u32 length; u8 alignment_exponent; u8 _compression; u16 _encryption }
  std::vector<uint8_t> specs(segments.size() * 16, 0);
  for (size_t i = 0; i < segments.size(); i++) {
    std::memcpy(&specs[i * 16], &segments[i].offset, 8);
    std::memcpy(&specs[i * 16 + 8], &segments[i].length, 4);
    specs[i * 16 + 12] = segments[i].align_exp;
  }
  fbw::Ref segs = fb.structs(specs.data(), segments.size(), 16, 8);
  fb.start_table();
  fb.add_ref(0, arrays);
  fb.add_ref(1, layouts);
  fb.add_ref(2, segs);
  return fb.finish(fb.end_table());
}

std::vector<uint8_t> postscript_flatbuffer(BlobLoc dtype, BlobLoc layout, std::optional<BlobLoc> statistics,
                                           BlobLoc footer) {
  fbw::Builder fb;
  fbw::Ref d = blob(fb, dtype), l = blob(fb, layout), f = blob(fb, footer);
  fbw::Ref s = statistics ? blob(fb, *statistics) : fbw::Ref();
  fb.start_table();
  fb.add_ref(0, d);
  fb.add_ref(1, l);
  fb.add_ref(2, s);
  fb.add_ref(3, f);
  return fb.finish(fb.end_table());
}

}  // namespace gyre::write
