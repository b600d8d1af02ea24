#include "storage/redis/reply_reader.hpp"

#include <hiredis/hiredis.h>

namespace boxoffice::redis {
namespace {

struct ReplyFree {
    void operator()(redisReply* p) const noexcept { freeReplyObject(p); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

Reply toReply(const redisReply& r) {
    Reply out;
    switch (r.type) {
        case REDIS_REPLY_STATUS:
            out.type = Reply::Type::Status;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = Reply::Type::Error;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_STRING:
            out.type = Reply::Type::String;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = Reply::Type::Integer;
            out.integer = r.integer;
            break;
        case REDIS_REPLY_ARRAY:
            // Recursion is bounded: hiredis 0.14's reader refuses nesting deeper than 7 levels.
            out.type = Reply::Type::Array;
            out.elements.reserve(r.elements);
            for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(toReply(*r.element[i]));
            break;
        default:
            out.type = Reply::Type::Nil;
            break;
    }
    return out;
}

}  // namespace

void ReplyReader::Free::operator()(redisReader* p) const noexcept {
    redisReaderFree(p);
}

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {}

ReplyReader::~ReplyReader() = default;

bool ReplyReader::feed(std::string_view bytes) {
    return redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) == REDIS_OK;
}

bool ReplyReader::next(std::optional<Reply>& out) {
    out.reset();
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return false;
    if (raw != nullptr) {
        const ReplyPtr reply(static_cast<redisReply*>(raw));
        out = toReply(*reply);
    }
    return true;
}

std::string ReplyReader::error() const {
    return reader_ && reader_->err != 0 ? std::string(reader_->errstr) : std::string("no error");
}

}  // namespace boxoffice::redis
