#include "banner.h"

#include <fstream>
#include <iterator>

namespace lunash {

void printExtendedBanner(std::ostream& out, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return;
    std::string text;
    text.resize(8192);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.empty()) return;
    out << text << (text.back() == '\n' ? "" : "\n") << '\n';
}

} // namespace lunash
