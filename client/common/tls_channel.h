// The Network Trust Link: TLS 1.2/1.3 to ntlsd (port 1792) with mutual certificate
// authentication. The appliance is trusted through ServerCAFile (its server.pem, added by
// `vtl addServer`), and its certificate must name the server as configured (host name or IP
// address, in the subject alternative names or the common name). The client presents
// ClientCertFile/ClientPrivKeyFile (`vtl createCert`), which the appliance admin registered.
#pragma once

#include "channel.h"

#include <memory>

namespace luna::client {

class TlsConnector {
public:
    // Loads the CA file, certificate and key; throws luna::Error (CKR_GENERAL_ERROR with the
    // file and OpenSSL's reason) when one cannot be used.
    explicit TlsConnector(const ClientConfig& config);
    ~TlsConnector();
    TlsConnector(const TlsConnector&) = delete;
    TlsConnector& operator=(const TlsConnector&) = delete;

    // Connects and completes the handshake within the 20 s the guide gives it (ch.10 §1.3).
    // Throws luna::Error CKR_UNABLE_TO_CONNECT with the reason.
    std::unique_ptr<Channel> connect(const ServerEntry& server) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A Connector for ServerConnection: TLS with the file's certificates, loaded at the first
// connection (a failure to load them is that connection's failure).
Connector tlsConnector(const ClientConfig& config);

} // namespace luna::client
