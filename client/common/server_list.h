// Editing the appliance list of the configuration file (vtl addServer/deleteServer, lunacm
// clientconfig deleteserver): ServerNameNN/ServerPortNN pairs, kept numbered 00, 01, ...
// without gaps so the polling order (and so the slot order, ch.16) is the list order.
#pragma once

#include "client_config.h"

namespace luna::client {

// Appends `name` as the last server. False when it is already listed (names compare
// case-insensitively, as host names do).
bool addServer(ConfigFile& file, const std::string& name, std::uint16_t port);
// Removes it and renumbers the ones after it. False when it is not listed.
bool removeServer(ConfigFile& file, const std::string& name);

// The server certificate files vtl keeps: <dir>/<name>Cert.pem, and the CA file made of all
// of them that the library trusts.
std::filesystem::path serverCertPath(const std::filesystem::path& certDir, const std::string& name);
// Rewrites `caFile` as the concatenation of the listed servers' certificates.
void rebuildCaFile(const ConfigFile& file, const std::filesystem::path& certDir, const std::filesystem::path& caFile);

} // namespace luna::client
