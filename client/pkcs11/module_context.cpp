// The shipped module's context: the configuration file the real client reads
// ($ChrystokiConfigurationPath/Chrystoki.conf, else /etc/Chrystoki.conf) and the Network Trust
// Link over TLS. The only transport the module has.
#include "context.h"

#include "client/common/tls_channel.h"

namespace luna::p11 {

std::shared_ptr<Context> makeContext() {
    auto config = client::ClientConfig::from(client::ConfigFile::load(client::defaultConfigPath()));
    auto connector = client::tlsConnector(config);
    return std::make_shared<Context>(std::move(config), std::move(connector));
}

} // namespace luna::p11
