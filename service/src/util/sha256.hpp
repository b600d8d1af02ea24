#pragma once
#include <array>
#include <string>
#include <string_view>

namespace boxoffice::util {

/// Lower-case hex SHA-256 and SHA-1 (OpenSSL EVP): the one digest helper (request hashes, JWKS
/// thumbprints, migration checksums, Redis script names).
std::string sha256Hex(std::string_view data);
std::string sha1Hex(std::string_view data);
/// HMAC-SHA256 of `data` under `key` (OpenSSL HMAC): the one MAC helper (HS256 tokens, webhook
/// signatures, admission tokens). Compare MACs with CRYPTO_memcmp, never ==.
std::array<unsigned char, 32> hmacSha256(std::string_view key, std::string_view data);
/// `n` bytes from OpenSSL's CSPRNG (RAND_bytes): the one source of secrets and token ids (randomHex
/// in random_id.hpp is for names, not secrets). Throws std::runtime_error if the generator fails.
std::string randomBytes(std::size_t n);

/// Base64url without padding (RFC 4648 section 5).
std::string base64UrlEncode(std::string_view data);
/// Strict decode: rejects characters outside the url alphabet, padding, and impossible lengths.
bool base64UrlDecode(std::string_view in, std::string& out);

}  // namespace boxoffice::util
