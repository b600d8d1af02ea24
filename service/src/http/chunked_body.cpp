// The request parser's chunked transfer coding (RFC 9112 7.1): chunk sizes, data and the
// trailer section, with the same limits as a Content-Length body and the head.
#include <algorithm>

#include "http/request_parser.hpp"
#include "util/hex.hpp"

namespace boxoffice::http {

RequestParser::Status RequestParser::parseChunks(std::string_view in) {
    for (;;) {
        switch (chunkStep_) {
            case ChunkStep::Size: {
                auto line = nextLine(in, 1024, ErrorCode::MalformedRequest, "chunk size line");
                if (failed_) return Status::Failed;
                if (!line) return Status::NeedMore;
                std::size_t i = 0, size = 0;
                while (i < line->size() && util::hexDigit((*line)[i]) >= 0) {
                    if (i >= 15) return fail(ErrorCode::PayloadTooLarge, "a chunk size beyond any limit");
                    size = size * 16 + static_cast<std::size_t>(util::hexDigit((*line)[i]));
                    ++i;
                }
                if (i == 0) return fail(ErrorCode::MalformedRequest, "a chunk size must be hexadecimal digits");
                // chunk-ext: BWS ";" ... (the extensions themselves are ignored; nextLine refused
                // control characters in them).
                auto rest = line->substr(i);
                while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
                if (!rest.empty() && rest.front() != ';')
                    return fail(ErrorCode::MalformedRequest, "a chunk size must be hexadecimal digits");
                if (size == 0) {
                    stage_ = Stage::Trailers;
                    headBytes_ = 0;
                    return Status::Complete;
                }
                if (size > limits_.maxBodyBytes - std::min(limits_.maxBodyBytes, request_.body.size()))
                    return fail(ErrorCode::PayloadTooLarge,
                                "the body exceeds " + std::to_string(limits_.maxBodyBytes) + " bytes");
                chunkLeft_ = size;
                chunkStep_ = ChunkStep::Data;
                break;
            }
            case ChunkStep::Data: {
                const std::size_t have = std::min(chunkLeft_, in.size() - pos_);
                request_.body.append(in.substr(pos_, have));
                pos_ += have;
                chunkLeft_ -= have;
                if (chunkLeft_ > 0) return Status::NeedMore;
                chunkStep_ = ChunkStep::DataEnd;
                break;
            }
            case ChunkStep::DataEnd:
                if (in.size() - pos_ < 2) return Status::NeedMore;
                if (in[pos_] != '\r' || in[pos_ + 1] != '\n')
                    return fail(ErrorCode::MalformedRequest, "chunk data must end with CRLF");
                pos_ += 2;
                chunkStep_ = ChunkStep::Size;
                break;
        }
    }
}

RequestParser::Status RequestParser::parseTrailers(std::string_view in) {
    // The trailer section shares the head's byte budget.
    const Status fields = fieldLines(in, "trailer section", true);
    if (fields == Status::Complete) stage_ = Stage::Done;
    return fields;
}

}  // namespace boxoffice::http
