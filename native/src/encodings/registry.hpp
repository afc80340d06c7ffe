// The array decoder: a parsed flat segment, a view of one ArrayNode, the decode context and the
// registry that maps encoding ids to decode functions. Each encoding family lives in its own file
// and registers itself with GYRE_REGISTER_ENCODING.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "../array/column.hpp"
#include "../file/flatbuffers.hpp"

namespace gyre {

// A flat-layout segment: [buffers][Array flatbuffer][u32 flatbuffer length].
struct Segment {
  Bytes bytes;
  fb::Table array;
  std::vector<Bytes> buffers;
  static Segment parse(Bytes segment);
};

class ArrayNode {
 public:
  ArrayNode(const Segment* seg, fb::Table t) : seg_(seg), t_(t) {}
  uint16_t encoding() const { return t_.scalar<uint16_t>(0, 0); }
  Bytes metadata() const {
    fb::Vector v = t_.vector(1);
    return v.empty() ? Bytes() : v.bytes();
  }
  uint32_t nchildren() const { return t_.vector(2).size(); }
  ArrayNode child(uint32_t i) const;
  uint32_t nbuffers() const { return t_.vector(3).size(); }
  Bytes buffer(uint32_t i) const;

 private:
  const Segment* seg_;
  fb::Table t_;
};

struct DecodeCtx {
  const std::vector<std::string>& array_ids;
  Allocator& alloc;
  int depth = 0;

  // Decodes `node` as an array of dtype `d` and length `len`; checks the result's shape.
  Column decode(const ArrayNode& node, const DTypePtr& d, uint64_t len);
  const std::string& encoding_id(const ArrayNode& node) const;
};

using DecodeFn = Column (*)(DecodeCtx&, const ArrayNode&, const DTypePtr&, uint64_t);

struct EncodingRegistrar {
  EncodingRegistrar(const char* id, DecodeFn fn);
};
DecodeFn find_decoder(std::string_view id);

#define GYRE_CONCAT2(a, b) a##b
#define GYRE_CONCAT(a, b) GYRE_CONCAT2(a, b)
#define GYRE_REGISTER_ENCODING(id, fn) \
  static ::gyre::EncodingRegistrar GYRE_CONCAT(gyre_registrar_, __LINE__)(id, fn)

}  // namespace gyre
