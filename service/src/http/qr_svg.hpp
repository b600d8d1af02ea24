#pragma once
// QR codes as SVG (libqrencode): what GET /v1/me/tickets/{id}/qr answers.
#include <optional>
#include <string>
#include <string_view>

namespace boxoffice::http {

/// `text` as a QR code (byte mode, error correction M, the smallest version that fits) drawn in SVG:
/// one path of dark modules on a white square with the 4-module quiet zone the standard asks for.
/// nullopt when libqrencode cannot encode it (too long for a QR code, out of memory).
std::optional<std::string> qrSvg(std::string_view text);

}  // namespace boxoffice::http
