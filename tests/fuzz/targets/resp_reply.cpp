// The RESP reader (storage/redis/reply_reader: hiredis's redisReader and the conversion to Reply)
// on bytes a server could send. However the bytes are cut into reads, the same replies come out and
// a protocol error is reported the same way; every reply written back in RESP reads as itself.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "storage/redis/reply_reader.hpp"

namespace boxoffice::fuzz {
namespace {

using redis::Reply;

struct Outcome {
    std::vector<Reply> replies;
    bool failed = false;
};

bool same(const Reply& a, const Reply& b) {
    if (a.type != b.type || a.integer != b.integer || a.str != b.str || a.elements.size() != b.elements.size())
        return false;
    for (std::size_t i = 0; i < a.elements.size(); ++i)
        if (!same(a.elements[i], b.elements[i])) return false;
    return true;
}

bool same(const Outcome& a, const Outcome& b) {
    if (a.failed != b.failed || a.replies.size() != b.replies.size()) return false;
    for (std::size_t i = 0; i < a.replies.size(); ++i)
        if (!same(a.replies[i], b.replies[i])) return false;
    return true;
}

// Feeds `input` in pieces of `step` bytes (0: all at once), taking every complete reply after each.
Outcome read(std::string_view input, std::size_t step) {
    redis::ReplyReader reader;
    FUZZ_CHECK(reader.valid());
    Outcome out;
    std::size_t at = 0;
    do {
        const std::size_t n = step == 0 ? input.size() : std::min(step, input.size() - at);
        if (!reader.feed(input.substr(at, n))) {
            out.failed = true;
            return out;
        }
        at += n;
        std::optional<Reply> reply;
        while (true) {
            if (!reader.next(reply)) {
                out.failed = true;
                FUZZ_CHECK(!reader.error().empty());
                return out;
            }
            if (!reply) break;
            out.replies.push_back(std::move(*reply));
        }
    } while (at < input.size());
    return out;
}

void write(const Reply& r, std::string& wire) {
    switch (r.type) {
        case Reply::Type::Nil:
            wire += "$-1\r\n";
            break;
        case Reply::Type::Status:
            wire += "+" + r.str + "\r\n";
            break;
        case Reply::Type::Error:
            wire += "-" + r.str + "\r\n";
            break;
        case Reply::Type::Integer:
            wire += ":" + std::to_string(r.integer) + "\r\n";
            break;
        case Reply::Type::String:
            wire += "$" + std::to_string(r.str.size()) + "\r\n" + r.str + "\r\n";
            break;
        case Reply::Type::Array:
            wire += "*" + std::to_string(r.elements.size()) + "\r\n";
            for (const auto& e : r.elements) write(e, wire);
            break;
    }
}

// hiredis 0.14 allocates count x 8 bytes as soon as it reads an array header ("*N"), before any
// element arrives: a server could make the client allocate gigabytes. Redis is trusted and hiredis
// has no limit to set, so such inputs are left out rather than reported on every run.
bool declaresHugeArray(std::string_view input) {
    for (std::size_t at = input.find('*'); at != std::string_view::npos; at = input.find('*', at + 1)) {
        std::size_t digits = 0;
        std::size_t i = at + 1;
        if (i < input.size() && (input[i] == '-' || input[i] == '+')) ++i;
        while (i + digits < input.size() && std::isdigit(static_cast<unsigned char>(input[i + digits]))) ++digits;
        if (digits > 5) return true;
    }
    return false;
}

void respReply(std::string_view input) {
    if (declaresHugeArray(input)) return;
    const Outcome whole = read(input, 0);
    const std::size_t step = input.empty() ? 1 : 1 + static_cast<unsigned char>(input.back()) % 7;
    FUZZ_CHECK(same(read(input, 1), whole));
    FUZZ_CHECK(same(read(input, step), whole));

    for (const auto& reply : whole.replies) {
        std::string wire;
        write(reply, wire);
        const Outcome again = read(wire, 0);
        FUZZ_CHECK(!again.failed && again.replies.size() == 1 && same(again.replies.front(), reply));
    }
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(resp_reply, boxoffice::fuzz::respReply)
