// The extended login banner (`sysconf banner add`): sysconfd keeps it in /etc/luna/banner;
// an interactive session prints it under lunash's own first line, as the reference shows.
#pragma once

#include <ostream>
#include <string>

namespace lunash {

inline constexpr const char* kBannerFile = "/etc/luna/banner";
// Prints the banner if there is one (at most 8 KB, as sysconfd accepts it).
void printExtendedBanner(std::ostream& out, const std::string& file = kBannerFile);

} // namespace lunash
