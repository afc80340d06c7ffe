#include "dtype_writer.hpp"

namespace gyre::write {

fbw::Ref build_dtype(fbw::Builder& fb, const DType& d) {
  // Children first: the builder needs every referenced object before the table that refers to it.
  fbw::Ref value;
  switch (d.kind) {
    case DTypeKind::Null:
      fb.start_table();
      value = fb.end_table();
      break;
    case DTypeKind::Bool:
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
    case DTypeKind::Variant:
    case DTypeKind::Union:
      fb.start_table();
      fb.add<uint8_t>(0, d.nullable, 0);
      value = fb.end_table();
      break;
    case DTypeKind::Primitive:
      fb.start_table();
      fb.add<uint8_t>(0, uint8_t(d.ptype), 0);
      fb.add<uint8_t>(1, d.nullable, 0);
      value = fb.end_table();
      break;
    case DTypeKind::Decimal:
      fb.start_table();
      fb.add<uint8_t>(0, d.precision, 0);
      fb.add<int8_t>(1, d.scale, 0);
      fb.add<uint8_t>(2, d.nullable, 0);
      value = fb.end_table();
      break;
    case DTypeKind::Struct: {
      std::vector<fbw::Ref> names, types;
      for (auto& n : d.names) names.push_back(fb.string(n));
      for (auto& f : d.fields) types.push_back(build_dtype(fb, *f));
      fbw::Ref nv = fb.refs(names), tv = fb.refs(types);
      fb.start_table();
      fb.add_ref(0, nv);
      fb.add_ref(1, tv);
      fb.add<uint8_t>(2, d.nullable, 0);
      value = fb.end_table();
      break;
    }
    case DTypeKind::List:
    case DTypeKind::FixedSizeList: {
      fbw::Ref elem = build_dtype(fb, *d.element);
      fb.start_table();
      fb.add_ref(0, elem);
      if (d.kind == DTypeKind::List) {
        fb.add<uint8_t>(1, d.nullable, 0);
      } else {
        fb.add<uint32_t>(1, d.list_size, 0);
        fb.add<uint8_t>(2, d.nullable, 0);
      }
      value = fb.end_table();
      break;
    }
    case DTypeKind::Extension: {
      fbw::Ref id = fb.string(d.ext_id);
      fbw::Ref storage = build_dtype(fb, *d.storage);
      // The Rust reader requires the metadata vector even when it is empty.
      fbw::Ref meta = fb.bytes(d.ext_metadata.data(), d.ext_metadata.size());
      fb.start_table();
      fb.add_ref(0, id);
      fb.add_ref(1, storage);
      fb.add_ref(2, meta);
      value = fb.end_table();
      break;
    }
  }
  fb.start_table();
  fb.add<uint8_t>(0, uint8_t(d.kind));
  fb.add_ref(1, value);
  return fb.end_table();
}

std::vector<uint8_t> dtype_flatbuffer(const DType& d) {
  fbw::Builder fb;
  return fb.finish(build_dtype(fb, d));
}

}  // namespace gyre::write
