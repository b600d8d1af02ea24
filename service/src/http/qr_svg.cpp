#include "http/qr_svg.hpp"

#include <qrencode.h>

#include <memory>

namespace boxoffice::http {

std::optional<std::string> qrSvg(std::string_view text) {
    const std::string data(text);  // libqrencode wants a NUL-terminated string
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString8bit(data.c_str(), 0, QR_ECLEVEL_M),
                                                       &QRcode_free);
    if (!qr) return std::nullopt;
    constexpr int kQuiet = 4;
    const int width = qr->width;
    const int size = width + 2 * kQuiet;
    std::string path;
    path.reserve(static_cast<std::size_t>(width) * width);
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width;) {
            // Bit 0 of each module byte is its colour (1 = dark); runs of dark modules become one rect.
            if (!(qr->data[y * width + x] & 1)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < width && (qr->data[y * width + x + run] & 1)) ++run;
            path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h" + std::to_string(run) +
                    "v1h-" + std::to_string(run) + "z";
            x += run;
        }
    }
    const std::string n = std::to_string(size);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
           n + " " + n + "\" width=\"" + std::to_string(size * 8) + "\" height=\"" + std::to_string(size * 8) +
           "\" shape-rendering=\"crispEdges\"><rect width=\"" + n + "\" height=\"" + n +
           "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}

}  // namespace boxoffice::http
