#include "state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace luna::cbsd {

CbsState StateFile::load() const {
    CbsState s;
    std::ifstream in(file_);
    if (!in) return s;
    std::string key;
    std::string value;
    while (in >> key >> value) {
        try {
            if (key == "written") s.written = std::stoull(value);
            else if (key == "syslogged") s.syslogged = std::stoull(value);
            else if (key == "next-file") s.nextFile = static_cast<std::uint32_t>(std::stoul(value));
            // "forwarded:<host>" lines of earlier versions are ignored (remote_hosts.h).
        } catch (const std::exception&) {
            throw std::runtime_error("damaged state file " + file_.string() + " at '" + key + "'");
        }
    }
    return s;
}

void StateFile::save(const CbsState& s) const {
    std::ostringstream out;
    out << "written " << s.written << "\nsyslogged " << s.syslogged << "\nnext-file " << s.nextFile << "\n";
    writeDurably(file_, out.str());
}

void writeDurably(const std::filesystem::path& file, const std::string& text) {
    const auto& file_ = file;
    auto tmp = file_;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), file_.c_str()) != 0)
        throw std::runtime_error("cannot write " + file_.string() + ": " + std::strerror(errno));
    int dir = ::open(file_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

} // namespace luna::cbsd
