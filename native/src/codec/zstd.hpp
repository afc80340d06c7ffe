// Zstandard (RFC 8878) decompressor, written from the specification.
//
// Self-contained: no third-party code, no Node headers, no exceptions escape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gyre::codec {

// Decompresses one or more concatenated zstd frames (skippable frames are skipped) from src and
// appends the result to out.
//
// dict may be empty (dict_len == 0: no dictionary), a formatted zstd dictionary (magic 0xEC30A437,
// with entropy tables, repeat offsets and content) or raw content. The dictionary is applied to
// every frame in src.
//
// max_output bounds the number of bytes appended by this call: producing more is an error.
//
// Returns true on success. On malformed input returns false, sets err to a short message
// (e.g. "zstd: corrupt literals header") and restores out to its original size. Never reads or
// writes out of bounds, never allocates much more than max_output (plus a small constant), never
// loops forever. An empty src is valid and produces no output.
bool zstd_decompress(const uint8_t* src, size_t src_len, const uint8_t* dict, size_t dict_len,
                     size_t max_output, std::vector<uint8_t>& out, std::string& err);

// Frame_Content_Size from the header of the first zstd frame in src (leading skippable frames are
// skipped). Returns false if the header is malformed/truncated or does not declare a content size.
bool zstd_frame_content_size(const uint8_t* src, size_t src_len, uint64_t& size);

// XXH64 (the hash zstd uses for content checksums). Exposed for tests.
uint64_t xxhash64(const uint8_t* data, size_t len, uint64_t seed = 0);

}  // namespace gyre::codec
