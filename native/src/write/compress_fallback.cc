// A weak compress(): until (or unless) the cascading compressor (compressor.cc) is linked, files
// are written with canonical encodings. The strong definition in compressor.cc replaces this one
// at link time, so nothing here needs to change when it lands.
#include "encoded.hpp"

namespace gyre::write {

__attribute__((weak)) EncodedArray compress(const Column& c, const CompressOptions&) { return encode_canonical(c); }

}  // namespace gyre::write
