// A small self-describing record (field name -> bytes) for what the core persists:
// length-prefixed, so any byte string round-trips; typed accessors for the common kinds.
#pragma once

#include "hsm/secure_bytes.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace luna::hsm {

class Record {
public:
    Record() = default;
    static Record decode(std::span<const std::uint8_t> bytes);   // throws Error(STORAGE_CORRUPT)
    Bytes encode() const;
    SecureBytes encodeSecure() const;

    void set(std::string_view field, std::string_view value) { fields_[std::string(field)] = value; }
    void setBytes(std::string_view field, std::span<const std::uint8_t> v) {
        fields_[std::string(field)] = std::string(v.begin(), v.end());
    }
    void setU64(std::string_view field, std::uint64_t v) { set(field, std::to_string(v)); }
    void setBool(std::string_view field, bool v) { set(field, v ? "1" : "0"); }
    void erase(std::string_view field) { fields_.erase(std::string(field)); }

    bool has(std::string_view field) const { return fields_.count(std::string(field)) != 0; }
    std::string str(std::string_view field, std::string_view dflt = {}) const;
    Bytes bytes(std::string_view field) const;
    std::uint64_t u64(std::string_view field, std::uint64_t dflt = 0) const;
    bool boolean(std::string_view field, bool dflt = false) const { return u64(field, dflt ? 1 : 0) != 0; }

    const std::map<std::string, std::string>& fields() const { return fields_; }

private:
    std::map<std::string, std::string> fields_;
};

} // namespace luna::hsm
