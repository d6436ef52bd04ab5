// The data plane: PKCS#11 over the HSM core, one handler per protocol request. hsmd
// decodes a frame, calls dispatch() and encodes what comes back; a refusal is a
// luna::Error whose code is the CKR the client gets.
//
// Who may do what follows the command classes of ch.10 §3.3:
//   unauthenticated   slot and token info, mechanisms, policies, OpenSession, Login,
//                     InitToken, GenerateRandom; FindObjects and GetAttributeValue see
//                     public objects only until a CO or CU is logged in;
//   key management    Create/Copy/Destroy/SetAttribute, Generate, Wrap, Unwrap, Derive:
//                     public objects need no login, private ones the Crypto Officer (a
//                     Crypto User is refused; partition policy 28 = 0 makes the CO a CU);
//                     token objects need a read/write session;
//   normal usage      Encrypt, Decrypt, Sign, Verify, Digest, SeedRandom, GetObjectSize:
//                     an authenticated CO or CU (DataPlaneConfig::usageRequiresLogin; set it
//                     false for plain PKCS#11, where only private keys need a login);
//   session only      Logout, CloseSession, CloseAllSessions, GetSessionInfo.
//
// Logins belong to the application: one client link, whose Hsm SessionId is
// "dp/<client>/<link>"; closeLink() ends them with the link.
#pragma once

#include "hsm/attributes.h"
#include "hsm/hsm.h"
#include "hsm/object_manager.h"
#include "hsm/session_manager.h"
#include "proto/messages.h"

#include <shared_mutex>

namespace luna::hsm {

// The registered client a request comes from and its link (one TLS connection).
struct Caller {
    std::string client;
    std::uint64_t link = 0;
    std::string app() const { return client + "/" + std::to_string(link); }
};

// Which partitions a registered client is assigned (lunash `client assignpartition`).
class PartitionAccess {
public:
    virtual ~PartitionAccess() = default;
    virtual bool allowed(std::string_view client, std::uint64_t partitionSerial) const = 0;
};

struct DataPlaneConfig {
    bool usageRequiresLogin = true;     // ch.10's normal-usage class (stricter than PKCS#11)
    std::size_t maxSessions = 16384;
};

class DataPlane {
public:
    DataPlane(Hsm& hsm, const PartitionAccess& access, DataPlaneConfig config = {});

    proto::ResponseBody dispatch(const Caller& c, const proto::Request& request);
    void closeLink(const Caller& c);   // the link ended: its sessions, session objects and logins go

    // One handler per request (data_plane.cpp: slots, sessions, roles; dp_objects.cpp:
    // objects and keys; dp_crypto.cpp: crypto and random).
    proto::HelloResp handle(const Caller&, const proto::HelloReq&);
    proto::SlotListResp handle(const Caller&, const proto::GetSlotListReq&);
    proto::TokenInfoResp handle(const Caller&, const proto::GetTokenInfoReq&);
    proto::MechanismListResp handle(const Caller&, const proto::GetMechanismListReq&);
    proto::MechanismInfoResp handle(const Caller&, const proto::GetMechanismInfoReq&);
    proto::Empty handle(const Caller&, const proto::InitTokenReq&);
    proto::PoliciesResp handle(const Caller&, const proto::GetPoliciesReq&);
    proto::HandleResp handle(const Caller&, const proto::OpenSessionReq&);
    proto::Empty handle(const Caller&, const proto::CloseSessionReq&);
    proto::Empty handle(const Caller&, const proto::CloseAllSessionsReq&);
    proto::SessionInfoResp handle(const Caller&, const proto::GetSessionInfoReq&);
    proto::Empty handle(const Caller&, const proto::LoginReq&);
    proto::Empty handle(const Caller&, const proto::LogoutReq&);
    proto::Empty handle(const Caller&, const proto::InitPinReq&);
    proto::Empty handle(const Caller&, const proto::SetPinReq&);
    proto::Empty handle(const Caller&, const proto::ResetPinReq&);
    proto::SetPolicyResp handle(const Caller&, const proto::SetPolicyReq&);
    proto::HandleResp handle(const Caller&, const proto::CreateObjectReq&);
    proto::HandleResp handle(const Caller&, const proto::CopyObjectReq&);
    proto::Empty handle(const Caller&, const proto::DestroyObjectReq&);
    proto::ObjectSizeResp handle(const Caller&, const proto::GetObjectSizeReq&);
    proto::AttributeValuesResp handle(const Caller&, const proto::GetAttributeValueReq&);
    proto::Empty handle(const Caller&, const proto::SetAttributeValueReq&);
    proto::Empty handle(const Caller&, const proto::FindObjectsInitReq&);
    proto::HandlesResp handle(const Caller&, const proto::FindObjectsReq&);
    proto::Empty handle(const Caller&, const proto::FindObjectsFinalReq&);
    proto::HandleResp handle(const Caller&, const proto::GenerateKeyReq&);
    proto::KeyPairResp handle(const Caller&, const proto::GenerateKeyPairReq&);
    proto::DataResp handle(const Caller&, const proto::WrapKeyReq&);
    proto::HandleResp handle(const Caller&, const proto::UnwrapKeyReq&);
    proto::HandleResp handle(const Caller&, const proto::DeriveKeyReq&);
    proto::DataResp handle(const Caller&, const proto::GenerateRandomReq&);
    proto::Empty handle(const Caller&, const proto::SeedRandomReq&);
    proto::Empty handle(const Caller&, const proto::EncryptInitReq&);
    proto::DataResp handle(const Caller&, const proto::EncryptReq&);
    proto::DataResp handle(const Caller&, const proto::EncryptUpdateReq&);
    proto::DataResp handle(const Caller&, const proto::EncryptFinalReq&);
    proto::Empty handle(const Caller&, const proto::DecryptInitReq&);
    proto::DataResp handle(const Caller&, const proto::DecryptReq&);
    proto::DataResp handle(const Caller&, const proto::DecryptUpdateReq&);
    proto::DataResp handle(const Caller&, const proto::DecryptFinalReq&);
    proto::Empty handle(const Caller&, const proto::SignInitReq&);
    proto::DataResp handle(const Caller&, const proto::SignReq&);
    proto::Empty handle(const Caller&, const proto::SignUpdateReq&);
    proto::DataResp handle(const Caller&, const proto::SignFinalReq&);
    proto::Empty handle(const Caller&, const proto::VerifyInitReq&);
    proto::Empty handle(const Caller&, const proto::VerifyReq&);
    proto::Empty handle(const Caller&, const proto::VerifyUpdateReq&);
    proto::Empty handle(const Caller&, const proto::VerifyFinalReq&);
    proto::Empty handle(const Caller&, const proto::DigestInitReq&);
    proto::DataResp handle(const Caller&, const proto::DigestReq&);
    proto::Empty handle(const Caller&, const proto::DigestUpdateReq&);
    proto::Empty handle(const Caller&, const proto::DigestKeyReq&);
    proto::DataResp handle(const Caller&, const proto::DigestFinalReq&);

private:
    // A partition as the data plane needs it on every request, refreshed when Hsm::epoch()
    // moves (or a slot is not yet known).
    struct PartitionView {
        std::uint64_t serial = 0;
        std::string name, label;
        bool initialized = false;
        PolicyValues policies;
        bool policy(std::uint32_t id) const {
            auto it = policies.find(id);
            return it == policies.end() || it->second != 0;
        }
    };
    // Everything a session-based request starts from.
    struct Ctx {
        SessionPtr session;
        std::shared_ptr<const PartitionView> partition;   // shared, not copied, on the hot path
        std::optional<Hsm::LoginState> login;
        std::string app;
        SessionId sid;
        bool user() const { return login && (login->role == Role::CryptoOfficer || login->role == Role::CryptoUser); }
    };

    Ctx enter(const Caller& c, std::uint64_t session);
    std::shared_ptr<const PartitionView> partition(const Caller& c, std::uint64_t slot);
    std::optional<Hsm::LoginState> loginState(const std::string& app, std::uint64_t slot);
    void forgetLogin(const std::string& app, std::uint64_t slot);
    static SessionId sessionId(const std::string& app) { return "dp/" + app; }

    // Command-class checks (see the header comment).
    void requireUsage(const Ctx& ctx, const Object* key) const;
    void requireKeyManagement(const Ctx& ctx, bool privateObject, bool tokenObject) const;
    // The object behind a handle if the caller may see it; `missing` is the CKR otherwise.
    ObjectPtr visible(const Ctx& ctx, std::uint64_t handle, std::uint32_t missing);
    bool canSee(const Ctx& ctx, const ObjectManager::Entry& e) const;
    // A key the operation may use: its CKA_<function> is TRUE and CKA_ALLOWED_MECHANISMS permits.
    ObjectPtr usableKey(const Ctx& ctx, std::uint64_t handle, std::uint32_t function, std::uint32_t mechanism,
                        std::uint32_t missing = CKR_KEY_HANDLE_INVALID);
    AttributeRules rules(const Ctx& ctx) const;
    std::uint64_t store(const Ctx& ctx, ObjAttrs attrs);

    template <class Req>
    void cipherInit(const Ctx& ctx, const Req& req, bool encrypt);
    template <class Req>
    void signInit(const Ctx& ctx, const Req& req, bool sign);

    Hsm& hsm_;
    const PartitionAccess& access_;
    DataPlaneConfig config_;
    SessionManager sessions_;
    ObjectManager objects_;

    std::shared_mutex viewMu_;
    std::uint64_t viewEpoch_ = ~0ULL;
    std::map<std::uint64_t, std::shared_ptr<const PartitionView>> views_;

    struct LoginEntry {
        std::uint64_t epoch;
        std::optional<Hsm::LoginState> state;
    };
    std::shared_mutex loginMu_;
    std::map<std::pair<std::string, std::uint64_t>, LoginEntry> logins_;
};

} // namespace luna::hsm
