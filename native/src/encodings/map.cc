// vortex.map: the Map dtype (key, value, keys_sorted) over a list of {key, value} entries.
// Written by vortex-data 0.90 for Arrow map<k, v> columns (the encoding id is newer than 0.76;
// its format was read off files written by 0.90):
//   metadata: empty. buffers: none.
//   children: [entries: List<Struct{key, value} non-nullable> with the map's nullability, len rows]
//             (in practice a vortex.listview whose own validity child carries the map's nulls).
// The decoded Column has the List layout (offsets + one child), the child being the entries
// struct — the Arrow Map layout.
#include "common.hpp"

namespace gyre {
namespace {

Column decode_map(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Map) corrupt("vortex.map with dtype " + d->to_string());
  if (!node.metadata().empty()) unsupported("vortex.map with non-empty metadata");
  if (node.nbuffers() != 0) corrupt("vortex.map expects no buffers");
  if (node.nchildren() != 1) corrupt("vortex.map expects exactly one child");
  auto list = std::make_shared<DType>();
  list->kind = DTypeKind::List;
  list->nullable = p.nullable;
  list->element = p.element;
  Column c = ctx.decode(node.child(0), list, len);
  if (c.children.size() != 1) corrupt("vortex.map entries are not a list");
  c.dtype = d;
  set_dtype(c.children[0], p.element);
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.map", decode_map);

}  // namespace gyre
