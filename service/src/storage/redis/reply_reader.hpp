#pragma once
// Where bytes from Redis become values: hiredis 0.14's RESP2 reader behind RAII, its replies
// converted to Reply. Errors are reported as text; redis_connection.cpp translates them.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace boxoffice::redis {

/// A decoded reply (RESP2).
struct Reply {
    enum class Type { Nil, Status, Error, Integer, String, Array };
    Type type = Type::Nil;
    long long integer = 0;
    std::string str;  // Status, Error, String
    std::vector<Reply> elements;
};

/// Not thread-safe; copying is deleted. After a protocol error the stream cannot be resynchronised:
/// every later call fails too, and the connection must be closed.
class ReplyReader {
public:
    ReplyReader();
    ~ReplyReader();
    ReplyReader(const ReplyReader&) = delete;
    ReplyReader& operator=(const ReplyReader&) = delete;

    /// False when hiredis could not allocate its reader.
    bool valid() const { return reader_ != nullptr; }
    /// Appends bytes received from the server; false on a protocol error.
    bool feed(std::string_view bytes);
    /// True with `out` set to the next complete reply, or left empty until more bytes arrive;
    /// false on a protocol error.
    bool next(std::optional<Reply>& out);
    /// hiredis's description of the protocol error.
    std::string error() const;

private:
    struct Free {
        void operator()(redisReader* p) const noexcept;
    };
    std::unique_ptr<redisReader, Free> reader_;
};

}  // namespace boxoffice::redis
