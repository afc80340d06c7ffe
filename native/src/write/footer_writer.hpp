// The Footer and Postscript flatbuffers (vortex-format.md §1.3, §1.4).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "../file/file_meta.hpp"

namespace gyre::write {

std::vector<uint8_t> footer_flatbuffer(const std::vector<std::string>& array_ids,
                                       const std::vector<std::string>& layout_ids,
                                       const std::vector<SegmentSpec>& segments);

// Locations of the four footer blobs; statistics may be absent.
std::vector<uint8_t> postscript_flatbuffer(BlobLoc dtype, BlobLoc layout, std::optional<BlobLoc> statistics,
                                           BlobLoc footer);

}  // namespace gyre::write
