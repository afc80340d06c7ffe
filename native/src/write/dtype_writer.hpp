// DType → the `DType` flatbuffer (vortex-format.md §2.1), the write-side twin of parse_dtype_root.
#pragma once
#include <vector>

#include "../dtype/dtype.hpp"
#include "flatbuffer_builder.hpp"

namespace gyre::write {

fbw::Ref build_dtype(fbw::Builder& fb, const DType& d);
std::vector<uint8_t> dtype_flatbuffer(const DType& d);

}  // namespace gyre::write
