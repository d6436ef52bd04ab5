#include "hsm/record.h"

#include "luna/errors.h"

#include <charconv>

namespace luna::hsm {
namespace {
template <class Out>
void putLen(Out& out, std::size_t n) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
}

template <class Out>
Out encodeInto(const std::map<std::string, std::string>& fields) {
    Out out;
    for (const auto& [k, v] : fields) {
        putLen(out, k.size());
        out.insert(out.end(), k.begin(), k.end());
        putLen(out, v.size());
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}
} // namespace

Record Record::decode(std::span<const std::uint8_t> b) {
    Record r;
    std::size_t i = 0;
    auto len = [&]() -> std::size_t {
        if (b.size() - i < 4) throw Error(rc::STORAGE_CORRUPT, "truncated record");
        std::size_t n = 0;
        for (int j = 0; j < 4; ++j) n = (n << 8) | b[i++];
        if (b.size() - i < n) throw Error(rc::STORAGE_CORRUPT, "truncated record field");
        return n;
    };
    while (i < b.size()) {
        std::size_t kn = len();
        std::string k(b.begin() + static_cast<std::ptrdiff_t>(i), b.begin() + static_cast<std::ptrdiff_t>(i + kn));
        i += kn;
        std::size_t vn = len();
        r.fields_[k] = std::string(b.begin() + static_cast<std::ptrdiff_t>(i),
                                   b.begin() + static_cast<std::ptrdiff_t>(i + vn));
        i += vn;
    }
    return r;
}

Bytes Record::encode() const { return encodeInto<Bytes>(fields_); }
SecureBytes Record::encodeSecure() const { return encodeInto<SecureBytes>(fields_); }

std::string Record::str(std::string_view field, std::string_view dflt) const {
    auto it = fields_.find(std::string(field));
    return it == fields_.end() ? std::string(dflt) : it->second;
}

Bytes Record::bytes(std::string_view field) const {
    auto it = fields_.find(std::string(field));
    if (it == fields_.end()) return {};
    return Bytes(it->second.begin(), it->second.end());
}

std::uint64_t Record::u64(std::string_view field, std::uint64_t dflt) const {
    auto it = fields_.find(std::string(field));
    if (it == fields_.end()) return dflt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size())
        throw Error(rc::STORAGE_CORRUPT, "record field " + std::string(field) + " is not a number");
    return v;
}

} // namespace luna::hsm
